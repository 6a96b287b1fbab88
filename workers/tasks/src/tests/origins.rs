//! `create-origin`, `update-origin`, `delete-origin`.

use cfm_domain::origin::{OriginRecord, OriginStatus};
use cfm_events::ErrorName;
use cfm_ports::memory::FakeBucket;
use serde_json::json;

use super::{World, caught, execution, request, with};

#[tokio::test]
async fn create_origin_makes_a_tagged_bucket_and_an_oac_and_a_repeat_changes_nothing() {
    let world = World::new();
    let id = world.active_origin("assets-bucket").await;
    let record: OriginRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!(record.status, OriginStatus::Active);
    assert!(record.oac_id.is_some());
    let bucket = world.memory.buckets.get("assets-bucket").unwrap();
    assert_eq!(bucket.tag.as_deref(), Some(id.as_str()));
    assert!(bucket.public_access_blocked);
    assert_eq!(world.memory.cdn.oac_names(), [format!("cfm-{id}")]);

    // The finishing step delivered again (its answer was lost) answers with the same event.
    let run = execution("create-origin", "make-assets-bucket");
    let input = json!({
        "originId": id, "spec": {"type": "s3", "name": "assets", "bucketName": "assets-bucket", "region": "eu-west-1"},
        "request": request(), "oac": {"oacId": record.oac_id},
    });
    let first = world.ok("FinalizeOrigin", &run, &input).await;
    let again = world.ok("FinalizeOrigin", &run, &input).await;
    assert_eq!(first.events[0].detail["metadata"]["id"], again.events[0].detail["metadata"]["id"]);
    assert_eq!(world.record::<OriginRecord>(id.as_str()).await.unwrap().meta.version, record.meta.version + 2);
}

#[tokio::test]
async fn a_bucket_cfm_did_not_make_is_never_adopted_and_never_removed() {
    let world = World::new();
    world.memory.buckets.put("taken-bucket", FakeBucket { objects: 3, ..Default::default() });
    let run = execution("create-origin", "r1");
    let input = world.creating_origin(&run, "taken-bucket").await;
    assert_eq!(world.fails("ValidateOrigin", &run, &input).await.0, ErrorName::BucketAlreadyExists);
    assert_eq!(world.fails("CreateBucket", &run, &input).await.0, ErrorName::NotOwned);

    let failed = with(&input, "failure", caught("cfm.NotOwned", "not ours"));
    world.ok("CompensateOrigin", &run, &failed).await;
    assert_eq!(world.memory.buckets.get("taken-bucket").unwrap().objects, 3, "compensation left it alone");
    world.ok("RecordOriginCreateFailed", &run, &failed).await;
    let id = input["originId"].as_str().unwrap();
    let record: OriginRecord = world.record(id).await.unwrap();
    assert_eq!(record.status, OriginStatus::Failed);
    assert_eq!(record.meta.last_error.unwrap().error, "cfm.NotOwned");
    assert_eq!(world.memory.store.bucket_claim("taken-bucket"), None, "the name is free again");
}

#[tokio::test]
async fn a_late_delivery_after_compensation_recreates_nothing() {
    let world = World::new();
    let run = execution("create-origin", "r1");
    let input = world.creating_origin(&run, "late-bucket").await;
    world.ok("CreateBucket", &run, &input).await;
    let failed = with(&input, "failure", caught("States.Timeout", ""));
    world.ok("CompensateOrigin", &run, &failed).await;
    assert_eq!(world.memory.buckets.get("late-bucket"), None, "compensation removed the bucket it made");
    world.ok("RecordOriginCreateFailed", &run, &failed).await;

    // SQS delivers the timed-out CreateBucket again, long after.
    assert_eq!(world.fails("CreateBucket", &run, &input).await.0, ErrorName::Conflict);
    assert_eq!(world.memory.buckets.get("late-bucket"), None);
    assert_eq!(world.memory.cdn.oac_names(), Vec::<String>::new());
}

#[tokio::test]
async fn compensation_that_cannot_empty_the_bucket_keeps_the_name_claimed() {
    let world = World::new();
    let run = execution("create-origin", "r1");
    let input = world.creating_origin(&run, "locked-bucket").await;
    world.ok("CreateBucket", &run, &input).await;
    let mut bucket = world.memory.buckets.get("locked-bucket").unwrap();
    (bucket.objects, bucket.locked) = (2, 1);
    world.memory.buckets.put("locked-bucket", bucket);
    let failed = with(&input, "failure", caught("cfm.Internal", "boom"));
    assert_eq!(world.fails("CompensateOrigin", &run, &failed).await.0, ErrorName::BucketNotEmpty);

    let both = with(&failed, "cleanupFailure", caught("cfm.BucketNotEmpty", "1 object is locked"));
    world.ok("RecordOriginCreateFailed", &run, &both).await;
    let record: OriginRecord = world.record(input["originId"].as_str().unwrap()).await.unwrap();
    let error = record.meta.last_error.unwrap();
    assert!(error.cause.contains("cleanup failed") && error.cause.contains("emptyBucket=true"), "{}", error.cause);
    assert!(
        world.memory.store.bucket_claim("locked-bucket").is_some(),
        "the bucket is still there: its name stays claimed"
    );
}

#[tokio::test]
async fn update_origin_applies_cors_and_a_failure_makes_it_active_again() {
    let world = World::new();
    let id = world.active_origin("cors-bucket").await;
    let run = execution("update-origin", "u1");
    world.claim_origin(&id, &run, "update-origin").await;
    let rules = json!([{"allowedOrigins": ["https://example.com"], "allowedMethods": ["GET"]}]);
    let patch = json!({"cors": rules});
    let input = json!({"originId": id, "patch": patch, "request": request()});
    let parsed: cfm_domain::origin::OriginRequest = serde_json::from_value(patch).unwrap();
    let input = with(&input, "patch", serde_json::to_value(parsed.parse_patch().unwrap()).unwrap());
    let out = world.ok("UpdateOrigin", &run, &input).await;
    assert_eq!(out.events[0].detail_type, "OriginUpdated");
    assert!(world.memory.buckets.get("cors-bucket").unwrap().cors.is_some());
    assert_eq!(world.record::<OriginRecord>(id.as_str()).await.unwrap().status, OriginStatus::Active);

    let run = execution("update-origin", "u2");
    world.claim_origin(&id, &run, "update-origin").await;
    world.ok("RecordOriginUpdateFailed", &run, &with(&input, "failure", caught("cfm.Transient", "S3 is down"))).await;
    let record: OriginRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!((record.status, record.meta.last_error.unwrap().cause.as_str()), (OriginStatus::Active, "S3 is down"));
}

#[tokio::test]
async fn delete_origin_refuses_a_full_bucket_unless_asked_to_empty_it() {
    let world = World::new();
    let id = world.active_origin("full-bucket").await;
    let mut bucket = world.memory.buckets.get("full-bucket").unwrap();
    bucket.objects = 4;
    world.memory.buckets.put("full-bucket", bucket);
    let run = execution("delete-origin", "d1");
    world.claim_origin(&id, &run, "delete-origin").await;
    let input = json!({"originId": id, "emptyBucket": false, "request": request()});
    world.ok("CheckOriginUnused", &run, &input).await;
    assert_eq!(world.fails("DeleteOriginResources", &run, &input).await.0, ErrorName::BucketNotEmpty);

    world.ok("RecordOriginDeleteFailed", &run, &with(&input, "failure", caught("cfm.BucketNotEmpty", "full"))).await;
    assert_eq!(
        world.record::<OriginRecord>(id.as_str()).await.unwrap().status,
        OriginStatus::Active,
        "nothing was removed"
    );

    let run = execution("delete-origin", "d2");
    world.claim_origin(&id, &run, "delete-origin").await;
    let input = with(&input, "emptyBucket", json!(true));
    let deleted = world.ok("DeleteOriginResources", &run, &input).await.output;
    assert_eq!(deleted["objectsDeleted"], 4);
    world.ok("FinalizeOriginDelete", &run, &with(&input, "deleted", deleted)).await;
    assert!(world.record::<OriginRecord>(id.as_str()).await.is_none());
    assert_eq!(world.memory.buckets.get("full-bucket"), None);
    assert_eq!(world.memory.store.bucket_claim("full-bucket"), None);
}

#[tokio::test]
async fn a_task_of_an_execution_that_lost_the_claim_changes_nothing() {
    let world = World::new();
    let id = world.active_origin("claimed-bucket").await;
    let (mine, other) = (execution("delete-origin", "d1"), execution("delete-origin", "d2"));
    world.claim_origin(&id, &mine, "delete-origin").await;
    let input = json!({"originId": id, "emptyBucket": true, "request": request()});
    assert_eq!(world.fails("DeleteOriginResources", &other, &input).await.0, ErrorName::Conflict);
    assert!(world.memory.buckets.get("claimed-bucket").is_some());
}
