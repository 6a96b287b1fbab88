//! A bulk invalidation over 1,000 distributions: planned, run with its progress visible, three
//! items failing, and a re-run of only those.

use std::time::Duration;

use cfm::client::Followed;
use cfm_e2e::TestStack;
use cfm_e2e::faults::{CountOperation, FailOperation};
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::{Value, json};

const FLEET: usize = 1000;

/// Follows an execution to its end, keeping every `progress` it showed meanwhile.
async fn follow(t: &TestStack, execution: &str) -> (Value, Vec<Value>) {
    let mut seen = Vec::new();
    let wait = t.api.wait(execution, |f| {
        if let Followed::Running(view) = f {
            seen.push(view["progress"].clone());
        }
    });
    let view = tokio::time::timeout(Duration::from_secs(300), wait).await.expect("ends in time").unwrap();
    (view, seen)
}

/// Every item of operation `bulk` with result `result`, page by page.
async fn items(t: &TestStack, bulk: &str, result: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let page = t.api.get(&format!("/bulk/{bulk}/items?result={result}&nextToken={token}")).await.unwrap();
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["nextToken"].as_str() {
            Some(next) => token = next.to_owned(),
            None => return all,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_distributions_are_invalidated_and_only_the_failed_run_again() {
    let failing = FailOperation::cloudfront("CreateInvalidation", 400, "InvalidArgument", 3);
    let calls = CountOperation::new("CreateInvalidation");
    let made = calls.counter();
    let options = StackOptions { worker_interceptors: vec![failing.shared(), calls.shared()], ..Default::default() };
    let t = TestStack::start(options).await;
    let origin = cfm_e2e::fleet::origin(&t).await;
    cfm_e2e::fleet::seed(&t, &origin, FLEET, json!({"fleet": "big"})).await;

    let body = json!({"selector": {"tags": {"fleet": "big"}}, "paths": ["/index.html", "/assets/*"]});
    let plan =
        t.api.send(Method::POST, "/bulk/invalidations?dryRun=true", Some(&body), None).await.unwrap().ok().unwrap();
    assert_eq!(plan["progress"], json!({"total": FLEET, "done": 0, "failed": 0, "skipped": 0, "running": 0}));
    assert_eq!(made.load(std::sync::atomic::Ordering::SeqCst), 0, "a plan invalidates nothing");

    let accepted = t.accept(Method::POST, "/bulk/invalidations", Some(&body)).await;
    let bulk = accepted["resourceId"].as_str().unwrap().to_owned();
    let (view, seen) = follow(&t, accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert_eq!(view["progress"], json!({"total": FLEET, "done": FLEET - 3, "failed": 3, "skipped": 0, "running": 0}));
    let done: Vec<u64> = seen.iter().filter_map(|p| p["done"].as_u64()).collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "progress only moves on: {done:?}");
    let record = t.api.get(&format!("/bulk/{bulk}")).await.unwrap();
    assert_eq!(record["status"], "COMPLETED_WITH_FAILURES");
    let failed = items(&t, &bulk, "FAILED").await;
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(failed.iter().all(|i| i["cause"].as_str().unwrap().contains("InvalidArgument")), "{failed:?}");
    assert_eq!(items(&t, &bulk, "SUCCEEDED").await.len(), FLEET - 3);
    let summary = t.events_of(&format!("/bulk/{bulk}"), "BulkOperationCompleted", 1).await.unwrap();
    assert_eq!((summary[0]["data"]["done"].as_u64(), summary[0]["data"]["failed"].as_u64()), (Some(997), Some(3)));

    // The re-run plans and runs the three that failed, nothing else.
    let (retry, view) = t.run(Method::POST, &format!("/bulk/{bulk}/retry"), None).await;
    assert_eq!(view["progress"], json!({"total": 3, "done": 3, "failed": 0, "skipped": 0, "running": 0}), "{view}");
    let again = t.api.get(&format!("/bulk/{}", retry["resourceId"].as_str().unwrap())).await.unwrap();
    assert_eq!((again["status"].as_str(), again["retryOf"].as_str()), (Some("SUCCEEDED"), Some(bulk.as_str())));
    let ids = |items: Vec<Value>| {
        let mut ids: Vec<String> = items.iter().map(|i| i["distributionId"].as_str().unwrap().to_owned()).collect();
        ids.sort();
        ids
    };
    let retried = items(&t, retry["resourceId"].as_str().unwrap(), "SUCCEEDED").await;
    assert_eq!(ids(retried), ids(failed), "exactly the failed ones");
    assert_eq!(
        made.load(std::sync::atomic::Ordering::SeqCst),
        FLEET + 3,
        "one call per item, and one per retried item"
    );
}
