//! CloudFront semantics the local cloud lacks, injected as real error responses into the
//! workers' CloudFront client (see `cfm_e2e::faults`): 412 on update and delete,
//! DistributionNotDisabled, Throttling on every call, TooManyInvalidationsInProgress; and a
//! failure after CloudFront created the distribution, which must clean up.

use std::sync::atomic::Ordering;

use cfm_e2e::TestStack;
use cfm_e2e::faults::FailOperation;
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::json;

use crate::distributions::{origin_bucket, serving};

async fn with_faults(faults: Vec<FailOperation>) -> (TestStack, Vec<std::sync::Arc<std::sync::atomic::AtomicUsize>>) {
    let counters = faults.iter().map(FailOperation::counter).collect();
    let options = StackOptions {
        worker_interceptors: faults.into_iter().map(FailOperation::shared).collect(),
        ..Default::default()
    };
    (TestStack::start(options).await, counters)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_etags_and_not_yet_disabled_end_in_success() {
    let (t, hits) = with_faults(vec![
        FailOperation::cloudfront("UpdateDistribution", 412, "PreconditionFailed", 2),
        FailOperation::cloudfront("DeleteDistribution", 412, "PreconditionFailed", 1),
        FailOperation::cloudfront("DeleteDistribution", 409, "DistributionNotDisabled", 1),
    ])
    .await;
    let origin = t.origin("eu-west-3").await;
    let (accepted, view) =
        t.run(Method::POST, "/distributions", Some(&json!({"name": "cas", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let cf_id = t.api.get(&format!("/distributions/{id}")).await.unwrap()["cloudfrontId"].as_str().unwrap().to_owned();

    let (_, view) =
        t.run(Method::PUT, &format!("/distributions/{id}"), Some(&json!({"comment": "after two 412s"}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let config = t.aws.cloudfront().get_distribution_config().id(&cf_id).send().await.unwrap();
    assert_eq!(config.distribution_config().unwrap().comment(), "after two 412s");

    let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(t.aws.cloudfront().get_distribution().id(&cf_id).send().await.is_err());
    let counts: Vec<usize> = hits.iter().map(|h| h.load(Ordering::SeqCst)).collect();
    assert_eq!(counts, [2, 1, 1], "every fault was injected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_on_every_cloudfront_call_is_retried() {
    // Three throttles per operation outlast the SDK's own three attempts, so the workflow's
    // Retry on cfm.Throttled has to carry it.
    let (t, hits) = with_faults(vec![FailOperation::cloudfront_throttling(3)]).await;
    let origin = t.origin("ca-central-1").await;
    let (accepted, view) =
        t.run(Method::POST, "/distributions", Some(&json!({"name": "slow", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let (_, view) =
        t.run(Method::POST, &format!("/distributions/{id}/invalidate"), Some(&json!({"paths": ["/*"]}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(hits[0].load(Ordering::SeqCst) >= 3 * 5, "throttles injected: {}", hits[0].load(Ordering::SeqCst));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_invalidations_in_progress_is_retried() {
    let (t, hits) =
        with_faults(vec![FailOperation::cloudfront("CreateInvalidation", 400, "TooManyInvalidationsInProgress", 4)])
            .await;
    let origin = t.origin("eu-south-1").await;
    let (accepted, view) =
        t.run(Method::POST, "/distributions", Some(&json!({"name": "inv", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let (_, view) =
        t.run(Method::POST, &format!("/distributions/{id}/invalidate"), Some(&json!({"paths": ["/a"]}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert_eq!(hits[0].load(Ordering::SeqCst), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_after_cloudfront_created_it_disables_deletes_and_records() {
    // The bucket-policy grant comes right after CloudFront made the distribution.
    let (t, hits) = with_faults(vec![FailOperation::s3("PutBucketPolicy", 403, "AccessDenied", 1)]).await;
    let origin = t.origin("eu-central-2").await;
    let (_, _, domain) = origin_bucket(&t, &origin).await;
    let (accepted, view) =
        t.run(Method::POST, "/distributions", Some(&json!({"name": "doomed", "originId": origin}))).await;
    assert_eq!(hits[0].load(Ordering::SeqCst), 1, "the fault was injected");
    assert_eq!(view["status"], "FAILED");
    let id = accepted["resourceId"].as_str().unwrap();
    assert!(serving(&t, &domain).await.is_empty(), "the distribution was left in CloudFront");
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(record["status"], "FAILED");
    assert!(record["lastError"]["cause"].as_str().unwrap().contains("AccessDenied"), "{record}");
    assert!(record.get("cloudfrontId").is_none());
    assert_eq!(t.api.get(&format!("/origins/{origin}")).await.unwrap()["distributions"], json!([]));
    let events = t.history_of(&format!("/distributions/{id}"), 1).await.unwrap();
    assert_eq!(events[0]["detailType"], "DistributionCreateFailed");
}
