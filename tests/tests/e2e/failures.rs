//! Failures mid-create leave nothing behind. moto cannot fail on cue, so each test injects a real
//! AWS error response into the workers' SDK clients (see `cfm_e2e::faults`).

use std::sync::atomic::Ordering;

use cfm_e2e::faults::FailOperation;
use cfm_e2e::{TestStack, unique_bucket};
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::json;

async fn stack_failing(fault: FailOperation) -> (TestStack, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let hits = fault.counter();
    let options = StackOptions { worker_interceptors: vec![fault.shared()], ..Default::default() };
    (TestStack::start(options).await, hits)
}

async fn assert_nothing_left(t: &TestStack, id: &str, bucket: &str, region: &str, error: &str) {
    assert!(!t.bucket_exists(bucket, region).await, "the bucket was left behind");
    assert!(t.oacs_named(&format!("cfm-{id}")).await.is_empty(), "the OAC was left behind");
    let origin = t.api.get(&format!("/origins/{id}")).await.unwrap();
    assert_eq!(origin["status"], "FAILED");
    assert!(origin["lastError"]["cause"].as_str().unwrap().contains(error), "{origin}");
    assert!(origin.get("oacId").is_none());
    let events = t.history(id, 1).await.unwrap();
    assert_eq!(events[0]["detailType"], "OriginCreateFailed");
    assert_eq!(events[0]["data"]["bucketName"], bucket);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_configuration_failure_removes_the_bucket() {
    let (t, hits) = stack_failing(FailOperation::s3("PutBucketCors", 403, "AccessDenied", 1)).await;
    let bucket = unique_bucket("fail-cors");
    let spec = json!({"name": "x", "bucketName": bucket, "region": "eu-west-2",
        "cors": [{"allowedOrigins": ["*"], "allowedMethods": ["GET"]}]});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the fault was injected");
    assert_eq!(view["status"], "FAILED");
    assert_eq!(view["error"], "cfm.Internal");
    let id = accepted["resourceId"].as_str().unwrap();
    assert_nothing_left(&t, id, &bucket, "eu-west-2", "AccessDenied").await;

    // the name was released: a new origin may use it
    let (_, view) =
        t.run(Method::POST, "/origins", Some(&json!({"name": "y", "bucketName": bucket, "region": "eu-west-2"}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_after_the_oac_removes_bucket_and_oac() {
    // The first PutItem a worker makes is FinalizeOrigin's: by then bucket and OAC exist.
    let (t, hits) = stack_failing(FailOperation::dynamodb("PutItem", "AccessDeniedException", 1)).await;
    let bucket = unique_bucket("fail-final");
    let spec = json!({"name": "x", "bucketName": bucket, "region": "ap-southeast-2"});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the fault was injected");
    assert_eq!(view["status"], "FAILED");
    let id = accepted["resourceId"].as_str().unwrap();
    assert_nothing_left(&t, id, &bucket, "ap-southeast-2", "AccessDeniedException").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_retried_until_it_succeeds() {
    let (t, hits) = stack_failing(FailOperation::s3("PutPublicAccessBlock", 503, "SlowDown", 2)).await;
    let spec = json!({"name": "x", "bucketName": unique_bucket("throttle"), "region": "us-west-2"});
    let (_, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(hits.load(Ordering::SeqCst) >= 2, "the throttling was injected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oac_made_by_a_concurrent_delivery_is_found_not_duplicated() {
    // The request reaches moto (which creates the OAC), then the answer is AWS's
    // OriginAccessControlAlreadyExists, as when a parallel delivery of the task won the race.
    let (t, hits) = stack_failing(FailOperation::cloudfront(
        "CreateOriginAccessControl",
        409,
        "OriginAccessControlAlreadyExists",
        1,
    ))
    .await;
    let spec = json!({"name": "x", "bucketName": unique_bucket("oac-race"), "region": "eu-west-1"});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the fault was injected");
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let oacs = t.oacs_named(&format!("cfm-{id}")).await;
    assert_eq!(oacs.len(), 1);
    assert_eq!(t.api.get(&format!("/origins/{id}")).await.unwrap()["oacId"], oacs[0].as_str());
}
