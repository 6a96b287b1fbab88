//! Ownership before destruction: cfm deletes (or empties) only buckets tagged for the origin
//! being deleted, never adopts a bucket that already exists, and a bucket whose objects cannot
//! be deleted ends the delete cleanly.

use std::sync::atomic::Ordering;

use aws_sdk_s3::types::{Tag, Tagging};
use cfm_e2e::faults::FailOperation;
use cfm_e2e::{TestStack, unique_bucket};
use cfm_events::TaskContext;
use cfm_localcloud::StackOptions;
use cfm_runtime::{TaskFailure, TaskHandler, TaskOutput};
use reqwest::Method;
use serde_json::{Value, json};

async fn put_object(t: &TestStack, bucket: &str, region: &str, key: &str) {
    let body = aws_sdk_s3::primitives::ByteStream::from_static(b"theirs");
    t.aws.s3(region).put_object().bucket(bucket).key(key).body(body).send().await.unwrap();
}

async fn object_count(t: &TestStack, bucket: &str, region: &str) -> usize {
    t.aws.s3(region).list_objects_v2().bucket(bucket).send().await.unwrap().contents().len()
}

async fn tag(t: &TestStack, bucket: &str, region: &str, origin: Option<&str>) {
    let s3 = t.aws.s3(region);
    match origin {
        Some(id) => {
            let tag = Tag::builder().key("cfm:origin-id").value(id).build().unwrap();
            let tagging = Tagging::builder().tag_set(tag).build().unwrap();
            s3.put_bucket_tagging().bucket(bucket).tagging(tagging).send().await.unwrap();
        }
        None => {
            s3.delete_bucket_tagging().bucket(bucket).send().await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_not_tagged_for_the_origin_is_never_emptied_or_deleted() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-west-1").await;
    let o = t.api.get(&format!("/origins/{origin}")).await.unwrap();
    let bucket = o["bucketName"].as_str().unwrap().to_owned();
    put_object(&t, &bucket, "eu-west-1", "keep.txt").await;
    for retag in [Some("org-someoneelse000"), None] {
        tag(&t, &bucket, "eu-west-1", retag).await;
        let (_, view) = t.run(Method::DELETE, &format!("/origins/{origin}?emptyBucket=true"), None).await;
        assert_eq!(view["status"], "FAILED", "{view}");
        assert_eq!(view["error"], "cfm.NotOwned", "{view}");
        assert!(t.bucket_exists(&bucket, "eu-west-1").await);
        assert_eq!(object_count(&t, &bucket, "eu-west-1").await, 1, "an object was deleted");
        let record = t.api.get(&format!("/origins/{origin}")).await.unwrap();
        assert_eq!(record["status"], "ACTIVE", "{record}");
        assert_eq!(record["lastError"]["error"], "cfm.NotOwned");
    }
    let events = t.history(&origin, 3).await.unwrap();
    assert_eq!(events[0]["detailType"], "OriginDeleteFailed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_bucket_is_never_adopted() {
    let t = TestStack::default().await;
    // One this account made itself: refused up front.
    let bucket = unique_bucket("mine");
    t.aws.s3("us-east-1").create_bucket().bucket(&bucket).send().await.unwrap();
    let spec = json!({"name": "x", "bucketName": bucket, "region": "us-east-1"});
    let answer = t.api.send(Method::POST, "/origins", Some(&spec), None).await.unwrap();
    assert_eq!(answer.status.as_u16(), 409, "{}", answer.body);
    assert_eq!(t.execution_count().await, 0);
}

/// Someone creates the origin's bucket (and puts an object in it) just before CreateBucket runs,
/// after the API and ValidateOrigin found the name free. In us-east-1 re-creating your own bucket
/// succeeds, so only the missing tag tells that cfm did not make it.
struct SomeoneTakesTheName {
    inner: cfm_tasks::Tasks,
    s3: aws_sdk_s3::Client,
    bucket: String,
}

impl TaskHandler for SomeoneTakesTheName {
    async fn run(&self, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskFailure> {
        if ctx.task == "CreateBucket" && self.s3.head_bucket().bucket(&self.bucket).send().await.is_err() {
            self.s3.create_bucket().bucket(&self.bucket).send().await.unwrap();
            let body = aws_sdk_s3::primitives::ByteStream::from_static(b"theirs");
            self.s3.put_object().bucket(&self.bucket).key("theirs.txt").body(body).send().await.unwrap();
        }
        self.inner.run(ctx, input).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_made_by_someone_else_in_the_meantime_is_left_alone() {
    let mut t = TestStack::start(StackOptions { paused_workers: true, ..Default::default() }).await;
    let bucket = unique_bucket("race");
    let racer = SomeoneTakesTheName { inner: t.handlers(), s3: t.aws.s3("us-east-1"), bucket: bucket.clone() };
    t.run_workers(racer);
    let spec = json!({"name": "x", "bucketName": bucket, "region": "us-east-1"});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "FAILED", "{view}");
    assert_eq!(view["error"], "cfm.NotOwned", "{view}");
    assert!(t.bucket_exists(&bucket, "us-east-1").await, "compensation deleted someone's bucket");
    assert_eq!(object_count(&t, &bucket, "us-east-1").await, 1);
    let tags = t.aws.s3("us-east-1").get_bucket_tagging().bucket(&bucket).send().await;
    assert!(tags.is_err(), "cfm tagged a bucket it did not make: {tags:?}");
    let origin = accepted["resourceId"].as_str().unwrap();
    assert_eq!(t.api.get(&format!("/origins/{origin}")).await.unwrap()["status"], "FAILED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_that_cannot_be_deleted_end_the_delete_cleanly() {
    // A quiet DeleteObjects answers 200 and lists the keys it could not delete (object lock).
    let answer = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Error><Key>locked.txt</Key><Code>AccessDenied</Code><Message>Access Denied because object protected by object lock.</Message></Error></DeleteResult>";
    let fault = FailOperation::s3_answer("DeleteObjects", 200, answer, 100);
    let hits = fault.counter();
    let t = TestStack::start(StackOptions { worker_interceptors: vec![fault.shared()], ..Default::default() }).await;
    let origin = t.origin("us-east-1").await;
    let bucket = t.api.get(&format!("/origins/{origin}")).await.unwrap()["bucketName"].as_str().unwrap().to_owned();
    put_object(&t, &bucket, "us-east-1", "locked.txt").await;
    let (_, view) = t.run(Method::DELETE, &format!("/origins/{origin}?emptyBucket=true"), None).await;
    assert_eq!(view["status"], "FAILED", "{view}");
    assert_eq!(view["error"], "cfm.BucketNotEmpty", "{view}");
    let cause = view["cause"].as_str().unwrap();
    assert!(cause.contains("locked.txt") && cause.contains("AccessDenied"), "{cause}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "one DeleteObjects, no loop");
    assert!(t.bucket_exists(&bucket, "us-east-1").await);
    let record = t.api.get(&format!("/origins/{origin}")).await.unwrap();
    assert_eq!(record["status"], "ACTIVE", "{record}");
}
