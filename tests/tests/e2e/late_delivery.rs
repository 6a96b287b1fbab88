//! Deliveries that come after their workflow moved on (SQS redelivers a whole batch after a
//! Lambda timeout, long after Step Functions timed the task out, retried it with a new token,
//! compensated or finished) do nothing: the worker proves the token live first, and every task
//! checks that its execution still holds the record. Each test saves the messages of a real
//! run and delivers them all again afterwards to a worker whose AWS calls are counted.
//! (The local cloud answers ended tokens as AWS does through cfm's moto extension.)

use std::sync::atomic::Ordering;

use cfm_e2e::faults::FailOperation;
use cfm_e2e::{TestStack, unique_bucket};
use cfm_localcloud::StackOptions;
use cfm_runtime::{MessageHandler, Settle};
use reqwest::Method;
use serde_json::{Value, json};

use crate::distributions::{origin_bucket, policy, serving};

/// Delivers every saved message again; each must be acked without any work.
async fn deliver_late(t: &TestStack, messages: &[String]) {
    let (late, work) = t.counting_worker();
    for body in messages {
        assert_eq!(late.handle(body).await, Settle::Ack, "{body}");
    }
    assert_eq!(work.load(Ordering::SeqCst), 0, "a late delivery did work");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_create_bucket_after_compensation_recreates_nothing() {
    let fault = FailOperation::s3("PutBucketCors", 403, "AccessDenied", 1);
    let options =
        StackOptions { paused_workers: true, worker_interceptors: vec![fault.shared()], ..Default::default() };
    let t = TestStack::start(options).await;
    let bucket = unique_bucket("late");
    let spec = json!({"name": "x", "bucketName": bucket, "region": "eu-west-1",
        "cors": [{"allowedOrigins": ["*"], "allowedMethods": ["GET"]}]});
    let accepted = t.accept(Method::POST, "/origins", Some(&spec)).await;
    let id = accepted["resourceId"].as_str().unwrap();
    let worker = t.stack.task_worker();
    let (messages, view) = t.drive(worker.as_ref(), &["Origins"], accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "FAILED", "{view}");
    assert!(messages.iter().any(|m| m.contains("\"CreateBucket\"")));
    assert!(!t.bucket_exists(&bucket, "eu-west-1").await, "compensation removed the bucket");
    let before = t.api.get(&format!("/origins/{id}")).await.unwrap();

    deliver_late(&t, &messages).await;
    assert!(!t.bucket_exists(&bucket, "eu-west-1").await, "a late CreateBucket made an orphan bucket");
    assert!(t.oacs_named(&format!("cfm-{id}")).await.is_empty());
    assert_eq!(t.api.get(&format!("/origins/{id}")).await.unwrap(), before, "the record moved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_distribution_tasks_after_a_retry_and_after_delete_attach_nothing() {
    // CloudFront makes the distribution but answers with throttling, more times than the SDK
    // retries by itself: the task fails, Step Functions retries it with a new token, and the
    // first token's message is now stale.
    let fault = FailOperation::cloudfront("CreateDistributionWithTags", 400, "Throttling", 3);
    let hits = fault.counter();
    let options =
        StackOptions { paused_workers: true, worker_interceptors: vec![fault.shared()], ..Default::default() };
    let t = TestStack::start(options).await;
    let worker = t.stack.task_worker();
    let spec = json!({"name": "o", "bucketName": unique_bucket("late-d"), "region": "us-east-1"});
    let accepted = t.accept(Method::POST, "/origins", Some(&spec)).await;
    let (_, view) = t.drive(worker.as_ref(), &["Origins"], accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let origin = accepted["resourceId"].as_str().unwrap().to_owned();
    let (bucket, region, domain) = origin_bucket(&t, &origin).await;

    let accepted = t.accept(Method::POST, "/distributions", Some(&json!({"name": "d", "originId": origin}))).await;
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let (messages, view) =
        t.drive(worker.as_ref(), &["Distributions"], accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert_eq!(hits.load(Ordering::SeqCst), 3, "the retry was caused");
    let task_of =
        |m: &String| serde_json::from_str::<Value>(m).unwrap()["task"].as_str().unwrap_or_default().to_owned();
    let creates = messages.iter().filter(|m| task_of(m) == "CreateDistribution").count();
    assert_eq!(creates, 2, "first attempt and its retry");

    deliver_late(&t, &messages).await;
    assert_eq!(serving(&t, &domain).await.len(), 1, "one distribution");
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(record["status"], "DEPLOYED", "{record}");

    let accepted = t.accept(Method::DELETE, &format!("/distributions/{id}"), None).await;
    let (_, view) = t.drive(worker.as_ref(), &["Distributions"], accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");

    // Every create task again, GrantOriginAccess among them: nothing re-attaches the deleted
    // distribution to its origin, which can therefore still be deleted.
    deliver_late(&t, &messages).await;
    assert_eq!(t.api.get(&format!("/origins/{origin}")).await.unwrap()["distributions"], json!([]));
    let grants = policy(&t, &bucket, &region).await.unwrap_or_default();
    assert!(!grants.contains("cfm"), "a grant came back: {grants}");
    let accepted = t.accept(Method::DELETE, &format!("/origins/{origin}"), None).await;
    let (_, view) = t.drive(worker.as_ref(), &["Origins"], accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_create_leaves_a_record_that_moved_on_alone() {
    let t = TestStack::default().await;
    let origin = t.origin("us-east-1").await;
    let body = json!({"name": "t", "spec": {"originId": origin}});
    let created = t.api.send(Method::POST, "/templates", Some(&body), None).await.unwrap().ok().unwrap();
    let template = created["id"].as_str().unwrap().to_owned();
    let (accepted, view) =
        t.run(Method::POST, &format!("/templates/{template}/apply"), Some(&json!({"name": "from-t"}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let before = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(before["status"], "DEPLOYED");

    // StartTemplateApply's work again, as a delivery whose first run died before answering
    // (run directly: the worker itself would drop it, its token being spent).
    let mut input = view["input"].clone();
    input["machines"] = json!({"createDistribution": t.stack.resources().machines["create-distribution"]});
    let ctx = cfm_events::TaskContext {
        task: "StartTemplateApply".into(),
        execution: cfm_domain::values::Checked::parse(view["executionArn"].as_str().unwrap()).unwrap(),
    };
    cfm_runtime::TaskHandler::run(&t.handlers(), &ctx, input).await.expect("a repeat succeeds");
    let after = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(after, before, "the deployed record was reset");

    // Two racing requests with one Idempotency-Key: one execution, one record, never reset.
    let body = json!({"name": "race", "originId": origin});
    let (a, b) = tokio::join!(
        t.api.send(Method::POST, "/distributions", Some(&body), Some("race-key")),
        t.api.send(Method::POST, "/distributions", Some(&body), Some("race-key")),
    );
    let (a, b): (Value, Value) = (a.unwrap().ok().unwrap(), b.unwrap().ok().unwrap());
    assert_eq!(a["executionId"], b["executionId"]);
    let view = t.wait(a["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let record = t.api.get(&format!("/distributions/{}", a["resourceId"].as_str().unwrap())).await.unwrap();
    assert_eq!(record["status"], "DEPLOYED", "{record}");
}
