//! The end-to-end harness: one moto per test process, one freshly provisioned stack per test
//! (resources prefixed with a random stack name), so tests run in parallel.

pub mod faults;
pub mod fleet;
pub mod task_faults;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use cfm::client::ApiClient;
use cfm::settings::Connection;
use cfm_aws::{AwsContext, Endpoint};
use cfm_localcloud::{Moto, RunningStack, StackOptions, provision};
use reqwest::Method;
use serde_json::Value;
use tokio::sync::OnceCell;

static MOTO: OnceCell<Moto> = OnceCell::const_new();

/// The shared moto, started on first use. It dies with the test process (see `Moto`).
async fn moto() -> &'static Moto {
    MOTO.get_or_init(|| async {
        let home = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cfm");
        Moto::start(&home).await.expect("the local cloud starts")
    })
    .await
}

/// One test's stack.
pub struct TestStack {
    /// The running stack.
    pub stack: RunningStack,
    /// AWS clients without injected faults, for checking the cloud itself.
    pub aws: AwsContext,
    /// The API client with an admin token.
    pub api: ApiClient,
    /// Stops workers the test started itself when the stack is dropped.
    _own_workers: Option<tokio::sync::watch::Sender<bool>>,
}

impl TestStack {
    /// Provisions and starts a stack with a random name.
    pub async fn start(options: StackOptions) -> Self {
        // Worker logs show up with `RUST_LOG=info cargo test -- --nocapture`.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let moto = moto().await;
        let aws = AwsContext::load(&Endpoint::Local { url: moto.endpoint(), region: "us-east-1".into() }).await;
        let name = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
        let resources = provision(&aws, &name).await.expect("provisioning");
        let stack = RunningStack::start(&aws, resources, options).await.expect("stack starts");
        let api = ApiClient::new(Connection { api_url: stack.api_url().to_owned(), token: stack.token().to_owned() });
        Self { stack, aws, api, _own_workers: None }
    }

    /// A stack whose tasks run through [`task_faults::Faulty`] handlers: arm the returned
    /// faults to make chosen tasks fail.
    pub async fn with_task_faults() -> (Self, Arc<task_faults::TaskFaults>) {
        let mut t = Self::start(StackOptions { paused_workers: true, ..Default::default() }).await;
        let faults = Arc::new(task_faults::TaskFaults::default());
        let handler = task_faults::Faulty::new(t.handlers(), faults.clone());
        t.run_workers(handler);
        (t, faults)
    }

    /// Runs `handler` behind a task worker on every task queue (the stack must have been
    /// started with paused workers), until the stack is dropped.
    pub fn run_workers<H: cfm_runtime::TaskHandler>(&mut self, handler: H) {
        let resources = self.stack.resources();
        let worker = Arc::new(self.worker_over(handler, &self.aws));
        let (stop, _) = tokio::sync::watch::channel(false);
        for queue in &resources.worker_queues {
            tokio::spawn(cfm_runtime::local::poll(queue.queue(&self.aws), worker.clone(), stop.subscribe()));
        }
        self._own_workers = Some(stop);
    }

    /// A stack with default options.
    pub async fn default() -> Self {
        Self::start(StackOptions::default()).await
    }

    /// Waits for an execution to end and returns its view.
    pub async fn wait(&self, execution_id: &str) -> Value {
        tokio::time::timeout(Duration::from_secs(90), self.api.wait(execution_id, |_| {}))
            .await
            .expect("execution ends within 90 s")
            .expect("execution can be read")
    }

    /// Starts a mutation; returns the 202 body.
    pub async fn accept(&self, method: Method, path: &str, body: Option<&Value>) -> Value {
        self.api.send(method, path, body, None).await.unwrap().ok().expect("202 Accepted")
    }

    /// Starts a mutation and waits for it; returns (202 body, final execution view).
    pub async fn run(&self, method: Method, path: &str, body: Option<&Value>) -> (Value, Value) {
        let accepted = self.accept(method, path, body).await;
        let view = self.wait(accepted["executionId"].as_str().unwrap()).await;
        (accepted, view)
    }

    /// Creates an active origin in `region` and returns its id.
    pub async fn origin(&self, region: &str) -> String {
        let spec = serde_json::json!({"name": "origin", "bucketName": unique_bucket("orig"), "region": region});
        let (accepted, view) = self.run(Method::POST, "/origins", Some(&spec)).await;
        assert_eq!(view["status"], "SUCCEEDED", "origin: {view}");
        accepted["resourceId"].as_str().unwrap().to_owned()
    }

    /// Runs the scheduled reconcile workflow once and returns its execution view.
    pub async fn reconcile(&self) -> Value {
        let machine = &self.stack.resources().machines["reconcile"];
        let name = format!("reconcile.{}", uuid::Uuid::new_v4().simple());
        self.aws.sfn().start_execution().state_machine_arn(machine).name(&name).input("{}").send().await.unwrap();
        self.wait(&name).await
    }

    /// Polls a resource's history until it has `n` events.
    pub async fn history_of(&self, path: &str, n: usize) -> anyhow::Result<Vec<Value>> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let page = self.api.get(&format!("{path}/history")).await.unwrap_or_default();
            let events = page["events"].as_array().cloned().unwrap_or_default();
            if events.len() >= n {
                return Ok(events);
            }
            if Instant::now() > deadline {
                bail!("history of {path} has {} events, expected {n}: {events:?}", events.len());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The task handlers over this stack's table, without the worker around them (to run a
    /// task as a delivery that dies before answering would).
    pub fn handlers(&self) -> cfm_tasks::Tasks {
        cfm_tasks::Tasks::new(self.ports())
    }

    /// Every port over this stack, without injected faults.
    pub fn ports(&self) -> cfm_ports::Ports {
        self.stack.resources().ports(&self.aws)
    }

    /// A task worker running `handler`, answering and publishing through `aws`.
    pub fn worker_over<H: cfm_runtime::TaskHandler>(&self, handler: H, aws: &AwsContext) -> cfm_runtime::TaskWorker<H> {
        let events = self.stack.resources().ports(aws).events;
        cfm_runtime::TaskWorker::new(
            handler,
            Arc::new(cfm_aws::sfn::StepFunctions::new(aws)),
            events,
            Duration::from_secs(20),
        )
    }

    /// A task worker for this stack whose AWS calls (except Step Functions callbacks) are
    /// counted: the counter says whether a delivery did any work.
    pub fn counting_worker(&self) -> (cfm_localcloud::stack::LocalTaskWorker, Arc<AtomicUsize>) {
        let counter = faults::CountOperation::work();
        let calls = counter.counter();
        let aws = self.aws.clone().with_interceptor(counter.shared());
        let worker = self.worker_over(cfm_tasks::Tasks::new(self.stack.resources().ports(&aws)), &aws);
        (worker, calls)
    }

    /// Plays SQS for the queues of `families` until `execution` ends: hands every message to
    /// `worker` and keeps its body (to deliver it again later). Returns the bodies and the
    /// execution's final view.
    pub async fn drive(
        &self,
        worker: &impl cfm_runtime::MessageHandler,
        families: &[&str],
        execution: &str,
    ) -> (Vec<String>, Value) {
        let sqs = self.aws.sqs();
        let queues: Vec<&str> = self
            .stack
            .resources()
            .worker_queues
            .iter()
            .filter(|q| families.contains(&q.family.as_str()))
            .map(|q| q.url.as_str())
            .collect();
        let mut bodies = Vec::new();
        for _ in 0..600 {
            let view = self.api.get(&format!("/executions/{execution}")).await.unwrap();
            if view["status"] != "RUNNING" {
                return (bodies, view);
            }
            for queue in &queues {
                let received = sqs.receive_message().queue_url(*queue).wait_time_seconds(0).send().await.unwrap();
                for message in received.messages() {
                    let body = message.body().unwrap().to_owned();
                    worker.handle(&body).await;
                    sqs.delete_message()
                        .queue_url(*queue)
                        .receipt_handle(message.receipt_handle().unwrap())
                        .send()
                        .await
                        .unwrap();
                    bodies.push(body);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{execution} did not finish");
    }

    /// Polls a resource's history until it holds `n` events of `detail_type`; returns them,
    /// newest first.
    pub async fn events_of(&self, path: &str, detail_type: &str, n: usize) -> anyhow::Result<Vec<Value>> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let page = self.api.get(&format!("{path}/history")).await.unwrap_or_default();
            let events = page["events"].as_array().cloned().unwrap_or_default();
            let found: Vec<Value> = events.iter().filter(|e| e["detailType"] == detail_type).cloned().collect();
            if found.len() >= n {
                return Ok(found);
            }
            if Instant::now() > deadline {
                bail!("history of {path} has {} {detail_type}, expected {n}: {events:?}", found.len());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The states an execution entered, in order: each is a transition Step Functions Standard
    /// bills.
    pub async fn states_entered(&self, execution_arn: &str) -> Vec<String> {
        let sfn = self.aws.sfn();
        let mut entered = Vec::new();
        let mut token = None;
        loop {
            let page = sfn
                .get_execution_history()
                .execution_arn(execution_arn)
                .set_next_token(token)
                .max_results(1000)
                .send()
                .await
                .unwrap();
            entered.extend(
                page.events().iter().filter_map(|e| e.state_entered_event_details()).map(|d| d.name().to_owned()),
            );
            match page.next_token() {
                Some(next) => token = Some(next.to_owned()),
                None => return entered,
            }
        }
    }

    /// Every execution of every state machine of this stack.
    pub async fn execution_count(&self) -> usize {
        let sfn = self.aws.sfn();
        let mut count = 0;
        for arn in self.stack.resources().machines.values() {
            count += sfn.list_executions().state_machine_arn(arn).send().await.unwrap().executions().len();
        }
        count
    }

    /// Polls an origin's history until it has `n` events.
    pub async fn history(&self, origin_id: &str, n: usize) -> anyhow::Result<Vec<Value>> {
        self.history_of(&format!("/origins/{origin_id}"), n).await
    }

    /// The OAC ids named `name`.
    pub async fn oacs_named(&self, name: &str) -> Vec<String> {
        let list = self.aws.cloudfront().list_origin_access_controls().max_items(1000).send().await.unwrap();
        let items = list.origin_access_control_list().map(|l| l.items().to_vec()).unwrap_or_default();
        items.iter().filter(|o| o.name() == name).map(|o| o.id().to_owned()).collect()
    }

    /// Whether bucket `name` exists.
    pub async fn bucket_exists(&self, name: &str, region: &str) -> bool {
        match self.aws.s3(region).head_bucket().bucket(name).send().await {
            Ok(_) => true,
            Err(err) if err.raw_response().map(|r| r.status().as_u16()) == Some(404) => false,
            Err(err) => panic!("HeadBucket {name}: {err:?}"),
        }
    }
}

/// A bucket name no other test uses.
pub fn unique_bucket(prefix: &str) -> String {
    format!("{prefix}-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// Reads the field names a 4xx answer lists.
pub fn problem_fields(body: &Value) -> anyhow::Result<Vec<String>> {
    let problems = body["problems"].as_array().context("no problems listed")?;
    Ok(problems.iter().filter_map(|p| p["field"].as_str().map(str::to_owned)).collect())
}
