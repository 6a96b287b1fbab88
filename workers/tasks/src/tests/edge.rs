//! A routed distribution's edge function over fakes: published once however often delivered,
//! associated at creation with cfm's viewer-country policy reserved, retired after deletion.

use cfm_domain::distribution::{DistributionRecord, DistributionRequest};
use cfm_domain::edge::{EdgeFunctionRecord, EdgeFunctionStatus, viewer_country_policy_id};
use cfm_domain::policy::{PolicyRecord, PolicyStatus};
use cfm_domain::values::{DistributionId, ExecutionArn, OriginId};
use serde_json::json;

use cfm_ports::workflows::{Execution, ExecutionStatus};
use cfm_runtime::TaskOutput;

use super::{World, execution, request, retire_machine};

/// The `retire-edge-function` executions started so far.
fn retirements(world: &World) -> Vec<Execution> {
    let prefix = retire_machine().replace(":stateMachine:", ":execution:");
    world.memory.workflows.started().into_iter().filter(|e| e.execution_arn.as_str().starts_with(&prefix)).collect()
}

/// The events of `outputs`, in order.
fn detail_types(outputs: &[TaskOutput]) -> Vec<&'static str> {
    outputs.iter().flat_map(|o| o.events.iter().map(|e| e.detail_type)).collect()
}

/// Deletes the routed distribution `id`, running `delete-distribution` (not its retirements).
async fn delete(world: &World, id: &DistributionId, name: &str) {
    let delete = execution("delete-distribution", name);
    world.claim_distribution(id, &delete, "delete-distribution").await;
    let input = json!({"distributionId": id, "request": request()});
    world.ok("DisableDistribution", &delete, &input).await;
    world.memory.cdn.deploy_all();
    world.ok("DeleteDistribution", &delete, &input).await;
}

/// A deployed distribution over two new buckets (`<name>-asia`, `<name>-europe`) routing Asia
/// to the first, made by running `create-distribution`.
pub(super) async fn routed(world: &World, name: &str) -> (DistributionId, OriginId, OriginId) {
    let (asia, europe) =
        (world.active_origin(&format!("{name}-asia")).await, world.active_origin(&format!("{name}-europe")).await);
    let body = json!({"name": name, "origins": [asia, europe], "defaultOriginId": europe,
        "routing": {"map": {"continent:AS": asia}, "defaultOriginId": europe}});
    let run = execution("create-distribution", name);
    let input = world.creating_from(&run, body).await;
    world.ok("ValidateDistribution", &run, &input).await;
    world.ok("PublishEdgeFunction", &run, &input).await;
    (world.deploy(&run, &input).await, asia, europe)
}

/// `update-distribution` execution `name` giving `id` this `routing`, with its input.
fn routing_change(id: &DistributionId, name: &str, routing: serde_json::Value) -> (ExecutionArn, serde_json::Value) {
    let patch = serde_json::from_value::<DistributionRequest>(json!({"routing": routing})).unwrap();
    let input = json!({"distributionId": id, "patch": patch.parse_patch().unwrap(), "request": request()});
    (execution("update-distribution", name), input)
}

#[tokio::test]
async fn a_routed_distribution_publishes_once_runs_its_function_and_retires_it_when_deleted() {
    let world = World::new();
    let (asia, europe) = (world.active_origin("asia-b").await, world.active_origin("europe-b").await);
    let body = json!({"name": "routed", "origins": [asia, europe], "defaultOriginId": europe,
        "routing": {"map": {"continent:AS": asia}, "defaultOriginId": europe}});
    let run = execution("create-distribution", "routed");
    let input = world.creating_from(&run, body).await;
    let id: DistributionId = serde_json::from_value(input["distributionId"].clone()).unwrap();
    world.ok("ValidateDistribution", &run, &input).await;
    let first = world.ok("PublishEdgeFunction", &run, &input).await;
    let again = world.ok("PublishEdgeFunction", &run, &input).await;
    assert_eq!(first.events[0].detail, again.events[0].detail, "the same announcement");
    for task in ["CreateDistribution", "GrantOriginAccess", "RecordDistribution"] {
        world.ok(task, &run, &input).await;
    }
    world.memory.cdn.deploy_all();
    let deployed = world.ok("MarkDeployed", &run, &input).await;

    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    let binding = record.edge_function.clone().expect("bound");
    assert_eq!(detail_types(std::slice::from_ref(&deployed)), ["DistributionDeployed", "EdgeFunctionAssociated"]);
    assert_eq!(deployed.events[1].detail["data"]["arn"], binding.arn.as_str(), "runs everywhere now");
    let edge: EdgeFunctionRecord = world.record(binding.id.as_str()).await.unwrap();
    assert_eq!(edge.status, EdgeFunctionStatus::Active);
    let live = world.memory.cdn.distributions().into_values().next().unwrap().config;
    assert_eq!(live.default_behavior.edge.as_ref().map(|e| e.arn.as_str()), Some(binding.arn.as_str()));
    let viewer: PolicyRecord = world.record(viewer_country_policy_id().as_str()).await.unwrap();
    assert_eq!((viewer.status, viewer.distributions.as_slice()), (PolicyStatus::Active, std::slice::from_ref(&id)));
    assert_eq!(live.default_behavior.origin_request_policy_id, viewer.cloudfront_id, "the function sees the country");

    let delete = execution("delete-distribution", "routed");
    world.claim_distribution(&id, &delete, "delete-distribution").await;
    let delete_input = json!({"distributionId": id, "request": request()});
    world.ok("DisableDistribution", &delete, &delete_input).await;
    world.memory.cdn.deploy_all();
    world.ok("DeleteDistribution", &delete, &delete_input).await;
    world.ok("DeleteDistribution", &delete, &delete_input).await;
    let edge: EdgeFunctionRecord = world.record(binding.id.as_str()).await.unwrap();
    assert_eq!(edge.status, EdgeFunctionStatus::Retiring, "handed to retire-edge-function");
    assert_eq!(retirements(&world).len(), 1, "one retirement however often delivered");
    let outputs = world.run_retirements().await;
    assert_eq!(detail_types(&outputs), ["EdgeFunctionRetired"]);
    let edge: EdgeFunctionRecord = world.record(binding.id.as_str()).await.unwrap();
    assert_eq!(edge.status, EdgeFunctionStatus::Retired);
    assert!(world.memory.ports().cdn.live_function(&edge.name).await.unwrap().is_none(), "deleted");
    let viewer: PolicyRecord = world.record(viewer_country_policy_id().as_str()).await.unwrap();
    assert!(viewer.distributions.is_empty(), "released");
}

#[tokio::test]
async fn a_routing_change_runs_the_next_function_and_retires_the_last_once_deployed() {
    let world = World::new();
    let (id, asia, europe) = routed(&world, "change").await;
    let first = world.record::<DistributionRecord>(id.as_str()).await.unwrap().edge_function.unwrap();

    let remap = json!({"map": {"continent:EU": asia}, "defaultOriginId": europe});
    let (change, change_input) = routing_change(&id, "remap", remap);
    world.claim_distribution(&id, &change, "update-distribution").await;
    for task in
        ["PublishNextEdgeFunction", "PublishNextEdgeFunction", "ApplyDistributionUpdate", "ApplyDistributionUpdate"]
    {
        world.ok(task, &change, &change_input).await;
    }
    let late = world.ok("PublishNextEdgeFunction", &change, &change_input).await;
    assert!(late.events.is_empty(), "a late delivery publishes nothing more");
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    let second = record.edge_function.clone().unwrap();
    assert_ne!(second.id, first.id);
    let live = world.memory.cdn.distributions().into_values().next().unwrap().config;
    assert_eq!(live.default_behavior.edge.as_ref().map(|e| e.arn.as_str()), Some(second.arn.as_str()));
    let old: EdgeFunctionRecord = world.record(first.id.as_str()).await.unwrap();
    assert_eq!(old.status, EdgeFunctionStatus::Active, "edges on the old config still run it");
    world.memory.cdn.deploy_all();
    let finalized = world.ok("FinalizeDistributionUpdate", &change, &change_input).await;
    assert_eq!(detail_types(std::slice::from_ref(&finalized)), ["DistributionUpdated", "EdgeFunctionAssociated"]);
    assert_eq!(finalized.events[1].detail["data"]["generation"], 2);
    world.run_retirements().await;
    let old: EdgeFunctionRecord = world.record(first.id.as_str()).await.unwrap();
    assert_eq!((old.status, old.generation), (EdgeFunctionStatus::Retired, 1));
    let new: EdgeFunctionRecord = world.record(second.id.as_str()).await.unwrap();
    assert_eq!((new.status, new.generation), (EdgeFunctionStatus::Active, 2));

    let (remove, remove_input) = routing_change(&id, "unroute", serde_json::Value::Null);
    world.claim_distribution(&id, &remove, "update-distribution").await;
    for task in ["PublishNextEdgeFunction", "ApplyDistributionUpdate"] {
        world.ok(task, &remove, &remove_input).await;
    }
    let live = world.memory.cdn.distributions().into_values().next().unwrap().config;
    assert_eq!(live.default_behavior.edge, None, "no routing, no function");
    assert_eq!(live.default_behavior.origin_request_policy_id, None, "nor its policy");
    world.memory.cdn.deploy_all();
    let finalized = world.ok("FinalizeDistributionUpdate", &remove, &remove_input).await;
    assert_eq!(detail_types(std::slice::from_ref(&finalized)), ["DistributionUpdated"], "nothing runs now");
    world.run_retirements().await;
    let new: EdgeFunctionRecord = world.record(second.id.as_str()).await.unwrap();
    assert_eq!(new.status, EdgeFunctionStatus::Retired);
    let viewer: PolicyRecord = world.record(viewer_country_policy_id().as_str()).await.unwrap();
    assert!(viewer.distributions.is_empty(), "released with the routing");
}

#[tokio::test]
async fn a_generation_is_never_used_twice_and_deleting_finds_every_function() {
    let world = World::new();
    let (id, asia, europe) = routed(&world, "generations").await;
    let routing = |continent: &str| json!({"map": {format!("continent:{continent}"): asia}, "defaultOriginId": europe});
    // A change that fails before CloudFront takes it deletes the function it published...
    let (failing, failing_input) = routing_change(&id, "fails", routing("EU"));
    world.claim_distribution(&id, &failing, "update-distribution").await;
    world.ok("PublishNextEdgeFunction", &failing, &failing_input).await;
    let failed = super::with(&failing_input, "failure", super::caught("cfm.Throttled", "gave up"));
    world.ok("RecordDistributionUpdateFailed", &failing, &failed).await;
    world.run_retirements().await;
    let second = EdgeFunctionRecord::id_for(&id, 2);
    assert_eq!(world.record::<EdgeFunctionRecord>(second.as_str()).await.unwrap().status, EdgeFunctionStatus::Retired);
    // ...and the next change takes a new generation, never that one again.
    let (next, next_input) = routing_change(&id, "next", routing("OC"));
    world.claim_distribution(&id, &next, "update-distribution").await;
    world.ok("PublishNextEdgeFunction", &next, &next_input).await;
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!((record.edge_generations, record.pending_edge_function.map(|p| p.generation)), (3, Some(3)));
    world.ok("ApplyDistributionUpdate", &next, &next_input).await;
    world.memory.cdn.deploy_all();
    world.ok("FinalizeDistributionUpdate", &next, &next_input).await;

    let delete = execution("delete-distribution", "generations");
    world.claim_distribution(&id, &delete, "delete-distribution").await;
    let delete_input = json!({"distributionId": id, "request": request()});
    world.ok("DisableDistribution", &delete, &delete_input).await;
    world.memory.cdn.deploy_all();
    world.ok("DeleteDistribution", &delete, &delete_input).await;
    world.run_retirements().await;
    for generation in 1..=3 {
        let edge: EdgeFunctionRecord =
            world.record(EdgeFunctionRecord::id_for(&id, generation).as_str()).await.unwrap();
        assert_eq!(edge.status, EdgeFunctionStatus::Retired, "generation {generation}");
        assert!(world.memory.ports().cdn.live_function(&edge.name).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn reconcile_retires_the_function_an_ended_routing_change_published() {
    let world = World::new();
    let (id, asia, europe) = routed(&world, "reconciled").await;
    let remap = json!({"map": {"continent:EU": asia}, "defaultOriginId": europe});
    let (change, change_input) = routing_change(&id, "aborted", remap);
    world.claim_distribution(&id, &change, "update-distribution").await;
    world.ok("PublishNextEdgeFunction", &change, &change_input).await;
    // The execution is aborted here: CloudFront never took the change.
    world.ok("ReconcileDistributions", &execution("reconcile", "r1"), &json!({"staleAfterSeconds": 0})).await;
    assert_eq!(detail_types(&world.run_retirements().await), ["EdgeFunctionRetired"]);
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert!(record.pending_edge_function.is_none() && record.edge_function.is_some());
    let published: EdgeFunctionRecord = world.record(EdgeFunctionRecord::id_for(&id, 2).as_str()).await.unwrap();
    assert_eq!(published.status, EdgeFunctionStatus::Retired);
    let running: EdgeFunctionRecord = world.record(EdgeFunctionRecord::id_for(&id, 1).as_str()).await.unwrap();
    assert_eq!(running.status, EdgeFunctionStatus::Active, "the one CloudFront runs stays");
}

#[tokio::test]
async fn retiring_waits_while_the_function_is_in_use_and_records_every_attempt() {
    let world = World::new();
    let (id, _, _) = routed(&world, "lingering").await;
    let edge: EdgeFunctionRecord = world.record(EdgeFunctionRecord::id_for(&id, 1).as_str()).await.unwrap();
    // Like Lambda@Edge replicas, which outlive the association by hours.
    world.memory.cdn.linger(&edge.name, 3);
    delete(&world, &id, "lingering").await;
    let outputs = world.run_retirements().await;
    let waits: Vec<_> = outputs.iter().map(|o| o.output["seconds"].as_u64().unwrap()).collect();
    assert_eq!(waits, [2, 4, 8, 10], "backing off between attempts, up to 10x the base");
    let attempts: Vec<_> =
        outputs.iter().flat_map(|o| &o.events).map(|e| e.detail["data"]["attempt"].as_u64()).collect();
    assert_eq!(attempts, [Some(1), Some(2), Some(3), None]);
    let ids: std::collections::BTreeSet<_> =
        outputs.iter().flat_map(|o| &o.events).map(|e| e.detail["metadata"]["id"].to_string()).collect();
    assert_eq!(ids.len(), 4, "each attempt is its own event");
    assert_eq!(
        detail_types(&outputs),
        [
            "EdgeFunctionRetireDeferred",
            "EdgeFunctionRetireDeferred",
            "EdgeFunctionRetireDeferred",
            "EdgeFunctionRetired"
        ]
    );
    let edge: EdgeFunctionRecord = world.record(edge.id.as_str()).await.unwrap();
    assert_eq!((edge.status, edge.retire_attempts), (EdgeFunctionStatus::Retired, 3));
    assert!(world.memory.ports().cdn.live_function(&edge.name).await.unwrap().is_none(), "deleted");

    // A late delivery of the last attempt changes and announces nothing.
    let retirement = retirements(&world).remove(0);
    let poll = json!({"base": 1, "seconds": 16, "attempt": 3, "done": false, "limit": 6});
    let late =
        world.ok("RetireEdgeFunction", &retirement.execution_arn, &super::with(&retirement.input, "poll", poll)).await;
    assert!(late.events.is_empty() && late.output["done"] == true, "{late:?}");
}

#[tokio::test]
async fn retiring_gives_up_after_its_attempts_and_records_the_function_retire_failed() {
    let world = World::new();
    let (id, _, _) = routed(&world, "stuck").await;
    let edge: EdgeFunctionRecord = world.record(EdgeFunctionRecord::id_for(&id, 1).as_str()).await.unwrap();
    world.memory.cdn.linger(&edge.name, 100);
    delete(&world, &id, "stuck").await;
    let outputs = world.run_retirements().await;
    let failed = outputs.last().unwrap();
    assert_eq!(failed.events[0].detail_type, "EdgeFunctionRetireFailed");
    assert_eq!(failed.events[0].detail["data"]["attempts"], 6);
    assert_eq!(
        failed.events[0].detail["data"]["failure"]["error"], "cfm.FunctionInUse",
        "{:?}",
        failed.events[0].detail
    );
    let edge: EdgeFunctionRecord = world.record(edge.id.as_str()).await.unwrap();
    assert_eq!(edge.status, EdgeFunctionStatus::RetireFailed);
    assert!(edge.meta.claim.held_claim().is_none(), "nothing stuck busy");
    assert!(edge.meta.last_error.unwrap().cause.contains("still in use after 6 attempts"));
    assert!(world.memory.ports().cdn.live_function(&edge.name).await.unwrap().is_some(), "left in CloudFront");
}

#[tokio::test]
async fn reconcile_records_a_retirement_that_ended_unfinished() {
    let world = World::new();
    let (id, _, _) = routed(&world, "aborted-retire").await;
    delete(&world, &id, "aborted-retire").await;
    let retirement = retirements(&world).remove(0);
    world.memory.workflows.end(&retirement.execution_arn, ExecutionStatus::Aborted);
    let out = world.ok("ReconcileDistributions", &execution("reconcile", "r2"), &json!({"staleAfterSeconds": 0})).await;
    assert!(out.events.iter().any(|e| e.detail_type == "EdgeFunctionRetireFailed"), "{out:?}");
    let edge: EdgeFunctionRecord = world.record(EdgeFunctionRecord::id_for(&id, 1).as_str()).await.unwrap();
    assert_eq!(edge.status, EdgeFunctionStatus::RetireFailed);
    assert!(edge.meta.claim.held_claim().is_none());
}
