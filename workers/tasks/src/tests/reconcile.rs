//! `reconcile`: status sync, drift, and settling what ended executions left claimed.

use cfm_domain::distribution::{DeployStatus, DistributionRecord, DistributionStatus};
use cfm_domain::origin::{OriginRecord, OriginStatus};
use cfm_ports::workflows::ExecutionStatus;
use serde_json::json;

use super::{World, execution};

fn reconcile_input() -> serde_json::Value {
    json!({"staleAfterSeconds": 0})
}

#[tokio::test]
async fn changes_made_outside_cfm_are_reported_once() {
    let world = World::new();
    let (id, _) = world.deployed_distribution("drift-bucket", json!({"name": "drift"})).await;
    let run = execution("reconcile", "r1");
    let quiet = world.ok("ReconcileDistributions", &run, &reconcile_input()).await;
    assert_eq!((quiet.output["checked"].clone(), quiet.events.len()), (json!(1), 0));

    let cloudfront = world.record::<DistributionRecord>(id.as_str()).await.unwrap().cloudfront.unwrap().cloudfront_id;
    world.memory.cdn.edit(cloudfront.as_str(), |config| config.comment = "edited in the console".into());
    let found = world.ok("ReconcileDistributions", &execution("reconcile", "r2"), &reconcile_input()).await;
    assert_eq!(found.events.iter().map(|e| e.detail_type).collect::<Vec<_>>(), ["DistributionDriftDetected"]);
    assert_eq!(world.record::<DistributionRecord>(id.as_str()).await.unwrap().drift, ["comment"]);
    let again = world.ok("ReconcileDistributions", &execution("reconcile", "r3"), &reconcile_input()).await;
    assert!(again.events.is_empty(), "known drift is not reported again");
}

#[tokio::test]
async fn a_steady_fleet_is_checked_from_cloudfronts_list_alone() {
    let world = World::new();
    let mut ids = Vec::new();
    for name in ["steady-a", "steady-b", "steady-c"] {
        ids.push(world.deployed_distribution(name, json!({"name": name})).await.0);
    }
    let first = world.ok("ReconcileDistributions", &execution("reconcile", "s1"), &reconcile_input()).await;
    assert_eq!((first.output["checked"].clone(), first.output["configsRead"].clone()), (json!(3), json!(3)));
    // Nothing changed: no config is read (a read would fail now).
    world.memory.cdn.faults.fail("distribution", cfm_ports::ErrorKind::Unavailable);
    let steady = world.ok("ReconcileDistributions", &execution("reconcile", "s2"), &reconcile_input()).await;
    assert_eq!((steady.output["checked"].clone(), steady.output["configsRead"].clone()), (json!(3), json!(0)));
    assert!(steady.events.is_empty());
    // One edited outside cfm: only its config is read, and its drift found.
    let cloudfront =
        world.record::<DistributionRecord>(ids[1].as_str()).await.unwrap().cloudfront.unwrap().cloudfront_id;
    world.memory.cdn.edit(cloudfront.as_str(), |config| config.comment = "edited".into());
    let found = world.fails("ReconcileDistributions", &execution("reconcile", "s3"), &reconcile_input()).await;
    assert!(found.1.contains("injected"), "the edited one's config is read: {found:?}");
    let found = world.ok("ReconcileDistributions", &execution("reconcile", "s4"), &reconcile_input()).await;
    assert_eq!(found.output["configsRead"], 1);
    assert_eq!(found.events.iter().map(|e| e.detail_type).collect::<Vec<_>>(), ["DistributionDriftDetected"]);
}

#[tokio::test]
async fn a_record_left_claimed_by_an_ended_execution_is_settled_from_cloudfront() {
    let world = World::new();
    let (id, _) = world.deployed_distribution("stuck-bucket", json!({"name": "stuck"})).await;
    let stuck = execution("update-distribution", "aborted");
    world.claim_distribution(&id, &stuck, "update-distribution").await;
    // The fake Step Functions knows no such execution: it is MISSING.
    let young = world.ok("ReconcileDistributions", &execution("reconcile", "r1"), &json!({})).await;
    assert!(young.events.is_empty(), "a claim younger than five minutes may not have its execution yet");

    let out = world.ok("ReconcileDistributions", &execution("reconcile", "r2"), &reconcile_input()).await;
    assert_eq!(out.events[0].detail_type, "DistributionRecovered");
    assert_eq!(out.events[0].detail["data"]["executionStatus"], "MISSING");
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!((record.status, record.meta.claim.is_held()), (DistributionStatus::Deployed, false));
    assert!(record.meta.last_error.unwrap().cause.contains("update-distribution"));
}

#[tokio::test]
async fn a_running_execution_keeps_its_claim_and_an_aborted_origin_delete_is_settled() {
    let world = World::new();
    let origin = world.active_origin("org-bucket").await;
    let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:cfm-delete-origin";
    cfm_ports::Workflows::start(world.memory.workflows.as_ref(), machine, "d1", &json!({})).await.unwrap();
    let running = execution("delete-origin", "d1");
    world.claim_origin(&origin, &running, "delete-origin").await;
    let out = world.ok("ReconcileDistributions", &execution("reconcile", "r1"), &reconcile_input()).await;
    assert!(out.events.is_empty());
    assert_eq!(world.record::<OriginRecord>(origin.as_str()).await.unwrap().status, OriginStatus::Deleting);

    world.memory.workflows.end(&running, ExecutionStatus::Aborted);
    let out = world.ok("ReconcileDistributions", &execution("reconcile", "r2"), &reconcile_input()).await;
    assert_eq!(out.events[0].detail["data"]["executionStatus"], "ABORTED");
    let record: OriginRecord = world.record(origin.as_str()).await.unwrap();
    assert_eq!(record.status, OriginStatus::Active, "its bucket and OAC still exist");
}

#[tokio::test]
async fn a_record_left_deploying_is_marked_deployed_when_cloudfront_is() {
    let world = World::new();
    let (id, _) = world.deployed_distribution("status-bucket", json!({"name": "status"})).await;
    let run = execution("update-distribution", "u1");
    world.claim_distribution(&id, &run, "update-distribution").await;
    let input = json!({"distributionId": id, "patch": {"comment": "changed"}, "request": super::request()});
    world.ok("ApplyDistributionUpdate", &run, &input).await;
    let failed = super::with(&input, "failure", super::caught("States.Timeout", ""));
    world.ok("RecordDistributionUpdateFailed", &run, &failed).await;
    assert_eq!(world.record::<DistributionRecord>(id.as_str()).await.unwrap().status, DistributionStatus::InProgress);

    world.memory.cdn.deploy_all();
    let out = world.ok("ReconcileDistributions", &execution("reconcile", "r1"), &reconcile_input()).await;
    assert_eq!(out.events.iter().map(|e| e.detail_type).collect::<Vec<_>>(), ["DistributionStatusChanged"]);
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!((record.status, record.cloudfront_status), (DistributionStatus::Deployed, Some(DeployStatus::Deployed)));
}
