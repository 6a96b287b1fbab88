//! Each task's decisions, over in-memory fakes: the handlers run as a worker runs them (by
//! name, on the JSON the ASL hands them), and the tests look at the fakes' state afterwards.

mod attached;
mod bulk;
mod certificates;
mod distributions;
mod edge;
mod lambda_edge;
mod origins;
mod policies;
mod reconcile;
mod replicate;
mod routes;
mod templates;

use std::collections::BTreeSet;

use cfm_domain::claim::Claim;
use cfm_domain::distribution::{DistributionRecord, DistributionRequest};
use cfm_domain::origin::{OriginRecord, OriginRequest};
use cfm_domain::record::Record;
use cfm_domain::values::{DistributionId, ExecutionArn, OriginId};
use cfm_events::{ErrorName, TaskContext};
use cfm_ports::Clock;
use cfm_ports::memory::Memory;
use cfm_runtime::{TaskFailure, TaskHandler, TaskOutput};
use serde_json::{Value, json};

use crate::Tasks;

#[test]
fn every_task_in_the_topology_has_a_handler_and_every_handler_a_task() {
    let topology = cfm_topology::Topology::load();
    let declared: BTreeSet<&str> = topology.tasks().collect();
    let handled: BTreeSet<&str> = crate::TASKS.iter().copied().collect();
    assert_eq!(declared, handled);
    assert_eq!(handled.len(), crate::TASKS.len(), "a task is registered twice");
}

/// The account every fake lives in.
pub(crate) const ACCOUNT: &str = "123456789012";

/// Execution `name` of `workflow`'s state machine.
pub(crate) fn execution(workflow: &str, name: &str) -> ExecutionArn {
    ExecutionArn::of(&format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:cfm-{workflow}"), name)
}

/// The `retire-edge-function` state machine the distribution workflows name.
pub(crate) fn retire_machine() -> String {
    format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:cfm-retire-edge-function")
}

/// Who asks, in every input.
pub(crate) fn request() -> Value {
    json!({ "actor": "alice", "correlationId": "corr-1" })
}

/// The fakes and the handlers over them.
pub(crate) struct World {
    pub(crate) memory: Memory,
    tasks: Tasks,
}

impl World {
    pub(crate) fn new() -> Self {
        let memory = Memory::new();
        let tasks = Tasks::new(memory.ports());
        Self { memory, tasks }
    }

    /// Runs `task` for `execution` on `input`, as a worker would.
    pub(crate) async fn run(
        &self,
        task: &str,
        execution: &ExecutionArn,
        input: &Value,
    ) -> Result<TaskOutput, TaskFailure> {
        let ctx = TaskContext { task: task.to_owned(), execution: execution.clone() };
        // Like the distribution workflows' first state, which names the machines they start.
        let mut input = input.clone();
        if let Some(fields) = input.as_object_mut() {
            fields.entry("machines").or_insert_with(|| json!({"retireEdgeFunction": retire_machine()}));
        }
        self.tasks.run(&ctx, input).await
    }

    /// Runs every `retire-edge-function` execution started so far to its end, as its Wait loop
    /// and Catch would (without waiting); returns the output of each task run.
    pub(crate) async fn run_retirements(&self) -> Vec<TaskOutput> {
        let mut outputs = Vec::new();
        let machine = retire_machine();
        let workflows = &self.memory.workflows;
        let running =
            workflows.started().into_iter().filter(|e| e.status == cfm_ports::workflows::ExecutionStatus::Running);
        for execution in
            running.filter(|e| e.execution_arn.as_str().starts_with(&machine.replace(":stateMachine:", ":execution:")))
        {
            let mut poll = json!({"base": 1, "seconds": 1, "attempt": 0, "done": false, "limit": 6});
            loop {
                let input = with(&execution.input, "poll", poll.clone());
                match self.run("RetireEdgeFunction", &execution.execution_arn, &input).await {
                    Ok(out) => {
                        poll = out.output.clone();
                        outputs.push(out);
                        if poll["done"] == true {
                            workflows.end(&execution.execution_arn, cfm_ports::workflows::ExecutionStatus::Succeeded);
                            break;
                        }
                    }
                    Err(failure) => {
                        let caught = caught(failure.name.as_str(), &failure.detail.message);
                        let failed = with(&input, "failure", caught);
                        outputs
                            .push(self.ok("RecordEdgeFunctionRetireFailed", &execution.execution_arn, &failed).await);
                        workflows.end(&execution.execution_arn, cfm_ports::workflows::ExecutionStatus::Failed);
                        break;
                    }
                }
            }
        }
        outputs
    }

    /// Runs `task`, which must succeed.
    pub(crate) async fn ok(&self, task: &str, execution: &ExecutionArn, input: &Value) -> TaskOutput {
        self.run(task, execution, input).await.unwrap_or_else(|e| panic!("{task} failed: {e:?}"))
    }

    /// Runs `task`, which must fail; returns the error name and message.
    pub(crate) async fn fails(&self, task: &str, execution: &ExecutionArn, input: &Value) -> (ErrorName, String) {
        match self.run(task, execution, input).await {
            Ok(out) => panic!("{task} succeeded: {out:?}"),
            Err(failure) => (failure.name, failure.detail.message),
        }
    }

    pub(crate) async fn record<T: Record>(&self, id: &str) -> Option<T> {
        self.memory.ports().records().get(id).await.expect("the store")
    }

    async fn store<T: Record>(&self, record: &T) {
        assert!(matches!(self.memory.ports().records().create(record).await, Ok(Ok(true))), "a new record");
    }

    /// An S3 origin being created by `execution`, as the API leaves it; returns the workflow input.
    pub(crate) async fn creating_origin(&self, execution: &ExecutionArn, bucket: &str) -> Value {
        let request = OriginRequest {
            name: Some("assets".into()),
            bucket_name: Some(bucket.into()),
            region: Some("eu-west-1".into()),
            ..Default::default()
        };
        self.creating(execution, request).await
    }

    /// An origin being created by `execution` from `request`, as the API leaves it (header
    /// values only on the record); returns the workflow input.
    pub(crate) async fn creating(&self, execution: &ExecutionArn, origin: OriginRequest) -> Value {
        let id = OriginId::generate(None);
        let spec = origin.parse().expect("a valid origin");
        let claim = Claim::new(execution, "create-origin", self.memory.clock.now());
        let record = OriginRecord::creating(id.clone(), &spec, claim, "alice", self.memory.clock.now());
        let claiming = spec.kind.bucket().map(|b| (&b.bucket_name, &id));
        self.memory
            .ports()
            .records()
            .create_claiming(&record, claiming)
            .await
            .expect("the store")
            .expect("a new record");
        json!({ "originId": id, "spec": spec.redacted(), "request": request() })
    }

    /// An active custom origin at `domain` with a secret header, made by running `create-origin`.
    pub(crate) async fn custom_origin(&self, domain: &str) -> OriginId {
        let run = execution("create-origin", &format!("make-{domain}"));
        let request = serde_json::from_value(json!({"type": "custom", "name": domain, "domainName": domain,
            "customHeaders": {"X-Origin-Key": "s3cr3t"}}))
        .expect("a request");
        let input = self.creating(&run, request).await;
        self.ok("ValidateOrigin", &run, &input).await;
        self.ok("FinalizeOrigin", &run, &input).await;
        serde_json::from_value(input["originId"].clone()).expect("an id")
    }

    /// An active origin with its bucket and OAC, made by running `create-origin`.
    pub(crate) async fn active_origin(&self, bucket: &str) -> OriginId {
        let run = execution("create-origin", &format!("make-{bucket}"));
        let input = self.creating_origin(&run, bucket).await;
        for task in ["ValidateOrigin", "CreateBucket", "ConfigureBucket"] {
            self.ok(task, &run, &input).await;
        }
        let oac = self.ok("CreateOac", &run, &input).await.output;
        let mut with_oac = input.clone();
        with_oac["oac"] = oac;
        self.ok("FinalizeOrigin", &run, &with_oac).await;
        serde_json::from_value(input["originId"].clone()).expect("an id")
    }

    /// A distribution being created by `execution` from `spec` (over `origin`), as the API
    /// leaves it; returns the workflow input.
    pub(crate) async fn creating_distribution(
        &self,
        execution: &ExecutionArn,
        origin: &OriginId,
        spec: Value,
    ) -> Value {
        let mut body = spec;
        body["originId"] = json!(origin);
        self.creating_from(execution, body).await
    }

    /// A distribution being created by `execution` from a complete request `body`.
    pub(crate) async fn creating_from(&self, execution: &ExecutionArn, body: Value) -> Value {
        let id = DistributionId::generate(None);
        let body: DistributionRequest = serde_json::from_value(body).expect("a request");
        let draft = body.parse().expect("a valid spec");
        let spec = cfm_domain::distribution::DistributionSpec::from_draft(&draft).expect("a complete spec");
        let claim = Claim::new(execution, "create-distribution", self.memory.clock.now());
        self.store(&DistributionRecord::creating(
            id.clone(),
            spec.clone(),
            None,
            claim,
            "alice",
            self.memory.clock.now(),
        ))
        .await;
        json!({ "distributionId": id, "spec": spec, "request": request() })
    }

    /// A deployed distribution over a new active origin, made by running `create-distribution`.
    pub(crate) async fn deployed_distribution(&self, bucket: &str, spec: Value) -> (DistributionId, OriginId) {
        let origin = self.active_origin(bucket).await;
        let run = execution("create-distribution", &format!("make-{bucket}"));
        let input = self.creating_distribution(&run, &origin, spec).await;
        (self.deploy(&run, &input).await, origin)
    }

    /// Runs `create-distribution`'s tasks on `input` until it waits for CloudFront to deploy.
    pub(crate) async fn create_until_deploying(&self, run: &ExecutionArn, input: &Value) {
        for task in [
            "ValidateDistribution",
            "CreateDistribution",
            "GrantOriginAccess",
            "RecordDistribution",
            "SyncAliasRecordsAndAlarm",
        ] {
            self.ok(task, run, input).await;
        }
    }

    /// Runs `create-distribution`'s tasks on `input` until the distribution is deployed.
    pub(crate) async fn deploy(&self, run: &ExecutionArn, input: &Value) -> DistributionId {
        self.create_until_deploying(run, input).await;
        self.memory.cdn.deploy_all();
        self.ok("MarkDeployed", run, input).await;
        serde_json::from_value(input["distributionId"].clone()).expect("an id")
    }
}

/// What a `Catch` puts at `$.failure`.
pub(crate) fn caught(error: &str, cause: &str) -> Value {
    json!({ "Error": error, "Cause": cause })
}

/// `input` with `field` set to `value`.
pub(crate) fn with(input: &Value, field: &str, value: Value) -> Value {
    let mut out = input.clone();
    out[field] = value;
    out
}

impl World {
    /// Claims an origin for `execution` of `workflow`, as the API does before starting it.
    pub(crate) async fn claim_origin(&self, id: &OriginId, execution: &ExecutionArn, workflow: &str) {
        let claim = Claim::new(execution, workflow, self.memory.clock.now());
        self.memory
            .ports()
            .records()
            .update::<OriginRecord, cfm_domain::claim::Busy>(id.as_str(), self.memory.clock.now(), |r| {
                match workflow {
                    "delete-origin" => r.claim_for_delete(claim.clone()),
                    _ => r.claim_for_update(claim.clone()),
                }
                .map(|_| ())
            })
            .await
            .expect("claimed");
    }

    /// Claims a distribution for `execution` of `workflow`, as the API does before starting it.
    pub(crate) async fn claim_distribution(&self, id: &DistributionId, execution: &ExecutionArn, workflow: &str) {
        let claim = Claim::new(execution, workflow, self.memory.clock.now());
        self.memory
            .ports()
            .records()
            .update::<DistributionRecord, cfm_domain::claim::Busy>(id.as_str(), self.memory.clock.now(), |r| {
                match workflow {
                    "delete-distribution" => r.claim_for_delete(claim.clone()),
                    _ => r.claim_for_update(claim.clone()),
                }
                .map(|_| ())
            })
            .await
            .expect("claimed");
    }
}
