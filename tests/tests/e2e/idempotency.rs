//! A retried request with the same `Idempotency-Key` starts one execution.

use cfm_e2e::{TestStack, unique_bucket};
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_starts_one_execution_and_creates_one_origin() {
    let t = TestStack::default().await;
    let spec = json!({"name": "once", "bucketName": unique_bucket("idem"), "region": "us-east-2"});
    let first = t.api.send(Method::POST, "/origins", Some(&spec), Some("client-retry-1")).await.unwrap();
    assert_eq!(first.status.as_u16(), 202);
    assert_eq!(
        first.location.as_deref(),
        Some(format!("/executions/{}", first.body["executionId"].as_str().unwrap()).as_str())
    );
    let second = t.api.send(Method::POST, "/origins", Some(&spec), Some("client-retry-1")).await.unwrap();
    assert_eq!(second.status.as_u16(), 202);
    assert_eq!(second.body["executionId"], first.body["executionId"]);
    assert_eq!(second.body["resourceId"], first.body["resourceId"]);
    assert_eq!(second.body["replayed"], true);
    let view = t.wait(first.body["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED");

    // after it finished, a third retry still answers with the same execution
    let third = t.api.send(Method::POST, "/origins", Some(&spec), Some("client-retry-1")).await.unwrap();
    assert_eq!(third.body["executionId"], first.body["executionId"]);
    assert_eq!(t.execution_count().await, 1);
    assert_eq!(t.api.get("/origins").await.unwrap()["count"], 1);

    // the same key for a different request is refused and starts nothing
    let other = json!({"name": "other", "bucketName": unique_bucket("idem"), "region": "us-east-2"});
    let reused = t.api.send(Method::POST, "/origins", Some(&other), Some("client-retry-1")).await.unwrap();
    assert_eq!(reused.status.as_u16(), 422, "{}", reused.body);
    assert_eq!(t.execution_count().await, 1);

    // deletes are idempotent too
    let path = format!("/origins/{}", first.body["resourceId"].as_str().unwrap());
    let del1 = t.api.send(Method::DELETE, &path, None, Some("del-1")).await.unwrap();
    let del2 = t.api.send(Method::DELETE, &path, None, Some("del-1")).await.unwrap();
    assert_eq!(del1.body["executionId"], del2.body["executionId"]);
    assert_eq!(t.wait(del1.body["executionId"].as_str().unwrap()).await["status"], "SUCCEEDED");
    assert_eq!(t.execution_count().await, 2);
}
