//! `bulk-operation`: rounds over stored items, redelivered, cancelled, partly failing.

use cfm_domain::bulk::{BulkAction, BulkItem, BulkRecord, BulkStatus, Outcome, SelectorRequest, Versions};
use cfm_domain::claim::Claim;
use cfm_domain::distribution::{DistributionRecord, DistributionRequest};
use cfm_domain::values::{BulkId, Checked, DistributionId, ExecutionArn};
use cfm_ports::Clock;
use cfm_ports::ErrorKind;
use cfm_ports::workflows::ExecutionStatus;
use serde_json::{Value, json};

use super::{World, execution, request};

const UPDATE_MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:cfm-update-distribution";

/// `n` deployed distributions.
async fn fleet(world: &World, n: usize) -> Vec<DistributionId> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(world.deployed_distribution(&format!("bulk-{i}"), json!({"name": format!("d{i}")})).await.0);
    }
    ids
}

/// Stores a bulk operation over `ids` as the API does (items planned, then the record), and
/// returns its execution and the round's input.
async fn stored(world: &World, action: BulkAction, ids: &[DistributionId]) -> (ExecutionArn, Value) {
    let id = BulkId::generate(None);
    let run = execution("bulk-operation", &format!("bulk-operation.{id}.x"));
    let mut items = Vec::new();
    for d in ids {
        let record: DistributionRecord = world.record(d.as_str()).await.unwrap();
        items.push(BulkItem::planned(d.clone(), action.plan(&record, &Versions::new())));
    }
    let claim = Claim::new(&run, "bulk-operation", world.memory.clock.now());
    let record = BulkRecord::new(
        id.clone(),
        (action, SelectorRequest::default()),
        &items,
        None,
        (claim, "alice", world.memory.clock.now()),
    );
    world.memory.ports().bulk_items().save_all(&id, &items).await.unwrap();
    assert!(world.memory.ports().records().create(&record).await.unwrap().is_ok());
    let input = json!({
        "bulkId": id, "request": request(), "machines": {"updateDistribution": UPDATE_MACHINE},
        "pace": {"base": 1, "seconds": 1, "rounds": 0, "idle": 0, "done": false},
    });
    (run, input)
}

async fn items(world: &World, input: &Value) -> Vec<BulkItem> {
    let record: BulkRecord = world.record(input["bulkId"].as_str().unwrap()).await.unwrap();
    world.memory.ports().bulk_items().all(&record).await.unwrap()
}

fn invalidate() -> BulkAction {
    BulkAction::Invalidate { paths: vec![Checked::parse("/index.html").unwrap()] }
}

#[tokio::test]
async fn an_invalidation_is_made_once_per_distribution_however_often_a_round_is_delivered() {
    let world = World::new();
    let ids = fleet(&world, 3).await;
    let (run, input) = stored(&world, invalidate(), &ids).await;
    // CloudFront throttles one call: that item waits for the next round.
    world.memory.cdn.faults.fail("create_invalidation", ErrorKind::Throttled);
    let first = world.ok("AdvanceBulkOperation", &run, &input).await.output;
    assert_eq!(first["done"], false, "{first}");
    assert_eq!(first["seconds"], 1, "a throttled item is tried again at once");
    let again = world.ok("AdvanceBulkOperation", &run, &input).await.output;
    assert_eq!(again["done"], true);
    world.ok("AdvanceBulkOperation", &run, &input).await;
    for d in world.memory.cdn.distributions().values() {
        assert_eq!(d.invalidations.len(), 1, "one invalidation each");
    }
    assert!(items(&world, &input).await.iter().all(|i| matches!(i.outcome, Outcome::Succeeded { .. })));
    let summary = world.ok("FinalizeBulkOperation", &run, &input).await;
    assert_eq!(summary.output["status"], "SUCCEEDED");
    assert_eq!((summary.output["total"].as_u64(), summary.output["done"].as_u64()), (Some(3), Some(3)));
    assert_eq!(summary.events[0].detail_type, "BulkOperationCompleted");
    let record: BulkRecord = world.record(input["bulkId"].as_str().unwrap()).await.unwrap();
    assert_eq!(record.status, BulkStatus::Succeeded);
    assert!(!record.meta.claim.is_held());
}

#[tokio::test]
async fn updates_run_as_their_own_executions_and_a_busy_one_is_skipped() {
    let world = World::new();
    let ids = fleet(&world, 3).await;
    let patch = serde_json::from_value::<DistributionRequest>(json!({"priceClass": "PriceClass_All"})).unwrap();
    let action = BulkAction::Update { patch: Box::new(patch.parse_patch().unwrap()) };
    let (run, input) = stored(&world, action, &ids).await;
    // After the plan, another change takes the third.
    world.claim_distribution(&ids[2], &execution("update-distribution", "someone-else"), "update-distribution").await;
    world.ok("AdvanceBulkOperation", &run, &input).await;
    world.ok("AdvanceBulkOperation", &run, &input).await;
    let started: Vec<_> = world.memory.workflows.started();
    assert_eq!(started.len(), 2, "one execution each, however often the round runs: {started:?}");
    let now = items(&world, &input).await;
    assert!(matches!(&now[2].outcome, Outcome::Skipped { reason } if reason.contains("someone-else")), "{now:?}");
    assert_eq!(now[0].changes, ["priceClass"]);
    let of = |d: &DistributionId| started.iter().find(|e| e.input["distributionId"] == d.as_str()).unwrap();
    for id in &ids[..2] {
        let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
        assert!(record.meta.claim.holds(of(id).execution_arn.as_str()), "claimed for its execution");
    }
    world.memory.workflows.end(&of(&ids[0]).execution_arn, ExecutionStatus::Succeeded);
    world.memory.workflows.end(&of(&ids[1]).execution_arn, ExecutionStatus::Failed);
    let last = world.ok("AdvanceBulkOperation", &run, &input).await.output;
    assert_eq!(last["done"], true);
    let after = items(&world, &input).await;
    assert!(matches!(after[0].outcome, Outcome::Succeeded { .. }));
    assert!(matches!(&after[1].outcome, Outcome::Failed { cause } if cause.contains("FAILED")), "{after:?}");
    let summary = world.ok("FinalizeBulkOperation", &run, &input).await.output;
    assert_eq!(summary["status"], "COMPLETED_WITH_FAILURES");
    assert_eq!(
        (summary["done"].as_u64(), summary["failed"].as_u64(), summary["skipped"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
}

#[tokio::test]
async fn a_cancel_starts_nothing_more() {
    let world = World::new();
    let ids = fleet(&world, 2).await;
    let (run, input) = stored(&world, invalidate(), &ids).await;
    let id = input["bulkId"].as_str().unwrap();
    world
        .memory
        .ports()
        .records()
        .update::<BulkRecord, cfm_domain::claim::Busy>(id, world.memory.clock.now(), BulkRecord::request_cancel)
        .await
        .unwrap();
    let out = world.ok("AdvanceBulkOperation", &run, &input).await.output;
    assert_eq!(out["done"], true);
    assert!(world.memory.cdn.distributions().values().all(|d| d.invalidations.is_empty()));
    let summary = world.ok("FinalizeBulkOperation", &run, &input).await.output;
    assert_eq!((summary["status"].as_str(), summary["skipped"].as_u64()), (Some("CANCELLED"), Some(2)));
    // Once it is over, it cannot be cancelled.
    let over: BulkRecord = world.record(id).await.unwrap();
    assert!(over.clone().request_cancel().is_err());
}

#[tokio::test]
async fn reconcile_fails_an_operation_whose_execution_ended_unfinished() {
    let world = World::new();
    let ids = fleet(&world, 1).await;
    // Its execution never ran (as if aborted before the first round): Step Functions has none.
    let (_, input) = stored(&world, invalidate(), &ids).await;
    let reconcile = execution("reconcile", "r1");
    let out = world.ok("ReconcileDistributions", &reconcile, &json!({"staleAfterSeconds": 0})).await;
    assert!(out.events.iter().any(|e| e.detail_type == "BulkOperationFailed"), "{:?}", out.events);
    let record: BulkRecord = world.record(input["bulkId"].as_str().unwrap()).await.unwrap();
    assert_eq!(record.status, BulkStatus::Failed);
    assert!(!record.meta.claim.is_held());
}
