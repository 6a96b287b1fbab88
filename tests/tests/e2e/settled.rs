//! Every path out of every workflow leaves its resource settled: a non-retryable failure
//! injected into each compensation and recording step in turn (with `cfm_e2e::task_faults`)
//! still ends with the record not busy and an event saying what happened. Where the recording
//! step itself fails, the execution ends with the record claimed, and the scheduled reconcile
//! settles it from what AWS shows.

use cfm_e2e::TestStack;
use cfm_e2e::task_faults::TaskFaults;
use reqwest::Method;
use serde_json::{Value, json};

/// Runs reconcile treating every claim as old enough to check.
async fn reconcile_now(t: &TestStack) -> Value {
    let machine = &t.stack.resources().machines["reconcile"];
    let name = format!("reconcile.{}", uuid::Uuid::new_v4().simple());
    let input = json!({"staleAfterSeconds": 0}).to_string();
    t.aws.sfn().start_execution().state_machine_arn(machine).name(&name).input(input).send().await.unwrap();
    t.wait(&name).await
}

/// The newest event of `detail_type` in a resource's history, once there are `n` of them.
async fn nth_event(t: &TestStack, path: &str, detail_type: &str, n: usize) -> Value {
    t.events_of(path, detail_type, n).await.unwrap().swap_remove(0)
}

/// The newest event of `detail_type` in a resource's history, once it is there.
async fn event(t: &TestStack, path: &str, detail_type: &str) -> Value {
    nth_event(t, path, detail_type, 1).await
}

fn arm(faults: &TaskFaults, tasks: &[&str]) {
    for task in tasks {
        faults.arm(task, 1);
    }
}

async fn origin(t: &TestStack) -> (String, String) {
    let spec = json!({"name": "o", "bucketName": cfm_e2e::unique_bucket("settle"), "region": "us-east-1"});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    (accepted["resourceId"].as_str().unwrap().to_owned(), spec["bucketName"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origin_workflows_end_settled_whichever_step_fails() {
    let (t, faults) = TestStack::with_task_faults().await;

    // create-origin: the step fails, then compensation fails: FAILED, the leftover named.
    arm(&faults, &["ConfigureBucket", "CompensateOrigin"]);
    let bucket = cfm_e2e::unique_bucket("settle");
    let spec = json!({"name": "o", "bucketName": bucket, "region": "us-east-1"});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "FAILED");
    assert!(faults.spent());
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let record = t.api.get(&format!("/origins/{id}")).await.unwrap();
    assert_eq!(record["status"], "FAILED", "{record}");
    let failed = event(&t, &format!("/origins/{id}"), "OriginCreateFailed").await;
    assert!(failed["data"]["cause"].as_str().unwrap().contains("cleanup failed"), "{failed}");
    assert!(t.bucket_exists(&bucket, "us-east-1").await, "compensation was made to fail");
    // ...and deleting the failed origin removes what was left.
    let (_, view) = t.run(Method::DELETE, &format!("/origins/{id}?emptyBucket=true"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(!t.bucket_exists(&bucket, "us-east-1").await);

    // create-origin: step, compensation and recording all fail: reconcile settles it.
    arm(&faults, &["CreateBucket", "CompensateOrigin", "RecordOriginCreateFailed"]);
    let spec = json!({"name": "o", "bucketName": cfm_e2e::unique_bucket("settle"), "region": "us-east-1"});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "FAILED");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    assert_eq!(t.api.get(&format!("/origins/{id}")).await.unwrap()["status"], "CREATING", "left claimed");
    assert_eq!(reconcile_now(&t).await["status"], "SUCCEEDED");
    assert_eq!(t.api.get(&format!("/origins/{id}")).await.unwrap()["status"], "FAILED");
    let recovered = event(&t, &format!("/origins/{id}"), "OriginRecovered").await;
    assert_eq!(recovered["data"]["executionStatus"], "FAILED");
    assert_eq!(recovered["data"]["current"], "FAILED");

    // update-origin and delete-origin: the step and its recording fail: reconcile settles both.
    let (id, _) = origin(&t).await;
    for (n, (method, path, failing)) in [
        (Method::PUT, format!("/origins/{id}"), ["UpdateOrigin", "RecordOriginUpdateFailed"]),
        (Method::DELETE, format!("/origins/{id}"), ["DeleteOriginResources", "RecordOriginDeleteFailed"]),
    ]
    .into_iter()
    .enumerate()
    {
        arm(&faults, &failing);
        let body = json!({"name": "renamed"});
        let (_, view) = t.run(method.clone(), &path, (method == Method::PUT).then_some(&body)).await;
        assert_eq!(view["status"], "FAILED");
        let busy = t.api.get(&format!("/origins/{id}")).await.unwrap()["status"].clone();
        assert!(busy == "UPDATING" || busy == "DELETING", "left claimed: {busy}");
        assert_eq!(reconcile_now(&t).await["status"], "SUCCEEDED");
        let record = t.api.get(&format!("/origins/{id}")).await.unwrap();
        assert_eq!(record["status"], "ACTIVE", "{record}");
        let recovered = nth_event(&t, &format!("/origins/{id}"), "OriginRecovered", n + 1).await;
        assert_eq!(recovered["data"]["previous"], busy, "{recovered}");
    }
}

async fn distribution(t: &TestStack, origin: &str) -> String {
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&json!({"name": "d", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    accepted["resourceId"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distribution_workflows_end_settled_whichever_step_fails() {
    let (t, faults) = TestStack::with_task_faults().await;
    let (origin, _) = origin(&t).await;
    let create = json!({"name": "d", "originId": origin});

    // Compensation fails at each of its steps: FAILED, CloudFront's leftover kept on the
    // record so that deleting the distribution finishes the cleanup.
    for failing in [
        &["GrantOriginAccess", "CompensateDistribution"][..],
        &["GrantOriginAccess", "FinishDistributionCompensation"],
        &["CheckDeployment"], // the wait fails, then the same check fails in the cleanup wait
    ] {
        for task in failing {
            faults.arm(task, if *task == "CheckDeployment" { 2 } else { 1 });
        }
        let (accepted, view) = t.run(Method::POST, "/distributions", Some(&create)).await;
        assert_eq!(view["status"], "FAILED", "{failing:?}");
        assert!(faults.spent(), "{failing:?}");
        let id = accepted["resourceId"].as_str().unwrap().to_owned();
        let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
        assert_eq!(record["status"], "FAILED", "{failing:?}: {record}");
        assert!(record["cloudfrontId"].is_string(), "{failing:?}: the leftover is named: {record}");
        let failed = event(&t, &format!("/distributions/{id}"), "DistributionCreateFailed").await;
        assert!(failed["data"]["cause"].as_str().unwrap().contains("cleanup failed"), "{failing:?}: {failed}");
        let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
        assert_eq!(view["status"], "SUCCEEDED", "{failing:?}: {view}");
        let cloudfront = record["cloudfrontId"].as_str().unwrap();
        assert!(t.aws.cloudfront().get_distribution().id(cloudfront).send().await.is_err(), "{failing:?}: left behind");
    }

    // create: the step and the recording fail after cleanup: reconcile settles it as failed.
    arm(&faults, &["GrantOriginAccess", "CompensateDistribution", "RecordDistributionCreateFailed"]);
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&create)).await;
    assert_eq!(view["status"], "FAILED");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    assert_eq!(t.api.get(&format!("/distributions/{id}")).await.unwrap()["status"], "CREATING", "left claimed");
    assert_eq!(reconcile_now(&t).await["status"], "SUCCEEDED");
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(record["status"], "FAILED", "{record}");
    assert!(record["lastError"]["cause"].as_str().unwrap().contains("delete it"), "{record}");
    let recovered = event(&t, &format!("/distributions/{id}"), "DistributionRecovered").await;
    assert_eq!(recovered["data"]["previous"], "CREATING");
    let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");

    // update and delete: the step and its recording fail; reconcile settles from CloudFront.
    let id = distribution(&t, &origin).await;
    for (n, (method, failing)) in [
        (Method::PUT, ["ApplyDistributionUpdate", "RecordDistributionUpdateFailed"]),
        (Method::DELETE, ["DisableDistribution", "RecordDistributionDeleteFailed"]),
    ]
    .into_iter()
    .enumerate()
    {
        arm(&faults, &failing);
        let body = json!({"comment": "changed"});
        let (_, view) =
            t.run(method.clone(), &format!("/distributions/{id}"), (method == Method::PUT).then_some(&body)).await;
        assert_eq!(view["status"], "FAILED");
        let busy = t.api.get(&format!("/distributions/{id}")).await.unwrap()["status"].clone();
        assert!(busy == "UPDATING" || busy == "DELETING", "left claimed: {busy}");
        assert_eq!(reconcile_now(&t).await["status"], "SUCCEEDED");
        let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
        assert_eq!(record["status"], "DEPLOYED", "{record}");
        let recovered = nth_event(&t, &format!("/distributions/{id}"), "DistributionRecovered", n + 1).await;
        assert_eq!(recovered["data"]["previous"], busy, "{recovered}");
        assert_eq!(recovered["data"]["current"], "DEPLOYED");
    }
    // Settled, it can change again.
    let (_, view) = t.run(Method::PUT, &format!("/distributions/{id}"), Some(&json!({"comment": "again"}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidations_and_template_applies_record_their_failures() {
    let (t, faults) = TestStack::with_task_faults().await;
    let (origin, _) = origin(&t).await;
    let id = distribution(&t, &origin).await;

    faults.arm("CreateInvalidation", 1);
    let (_, view) =
        t.run(Method::POST, &format!("/distributions/{id}/invalidate"), Some(&json!({"paths": ["/a"]}))).await;
    assert_eq!(view["status"], "FAILED");
    let failed = event(&t, &format!("/distributions/{id}"), "InvalidationFailed").await;
    assert_eq!(failed["data"]["paths"], json!(["/a"]));

    let body = json!({"name": "t", "spec": {"originId": origin}});
    let template = t.api.send(Method::POST, "/templates", Some(&body), None).await.unwrap().ok().unwrap();
    let template = template["id"].as_str().unwrap().to_owned();
    faults.arm("StartTemplateApply", 1);
    let (accepted, view) =
        t.run(Method::POST, &format!("/templates/{template}/apply"), Some(&json!({"name": "n"}))).await;
    assert_eq!(view["status"], "FAILED");
    let failed = event(&t, &format!("/templates/{template}"), "TemplateApplyFailed").await;
    assert_eq!(failed["data"]["distributionId"], accepted["resourceId"]);
}
