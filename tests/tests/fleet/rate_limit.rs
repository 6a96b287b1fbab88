//! The CloudFront rate limit is shared: two bulk invalidations at once together stay under
//! it, measured from the timestamps of the calls the workers sent.

use std::time::{Duration, Instant};

use cfm_e2e::TestStack;
use cfm_e2e::faults::CountOperation;
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::json;

const RATE: usize = 10;
const EACH: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_bulk_operations_at_once_share_one_rate() {
    let calls = CountOperation::new("CreateInvalidation");
    let sent = calls.sent_at();
    let options = StackOptions {
        worker_interceptors: vec![calls.shared()],
        cloudfront_rates: Some(format!("invalidation={RATE}")),
        ..Default::default()
    };
    let t = TestStack::start(options).await;
    let origin = cfm_e2e::fleet::origin(&t).await;
    for group in ["a", "b"] {
        cfm_e2e::fleet::seed(&t, &origin, EACH, json!({"group": group})).await;
    }
    let started = Instant::now();
    let mut executions = Vec::new();
    for group in ["a", "b"] {
        let body = json!({"selector": {"tags": {"group": group}}, "paths": ["/*"]});
        executions.push(t.accept(Method::POST, "/bulk/invalidations", Some(&body)).await);
    }
    let mut views = Vec::new();
    for accepted in &executions {
        let view = tokio::time::timeout(
            Duration::from_secs(120),
            t.api.wait(accepted["executionId"].as_str().unwrap(), |_| {}),
        );
        views.push(view.await.expect("ends in time").unwrap());
    }
    let took = started.elapsed();
    for view in &views {
        assert_eq!(view["progress"]["done"], EACH, "{view}");
    }
    // They ran at the same time.
    assert!(views[1]["startedAt"].as_str() < views[0]["stoppedAt"].as_str(), "{views:?}");
    let mut at = sent.lock().unwrap().clone();
    at.sort();
    assert_eq!(at.len(), 2 * EACH);
    // Slots start 1/RATE apart; a call leaves its slot up to a few hundred milliseconds late on
    // a loaded machine, so a second may show a few more, and the whole run keeps the rate.
    let busiest = at
        .iter()
        .map(|start| at.iter().filter(|t| **t >= *start && **t < *start + Duration::from_secs(1)).count())
        .max()
        .unwrap();
    assert!(busiest <= RATE + 3, "{busiest} calls in one second at {RATE} a second");
    let span = at.last().unwrap().duration_since(at[0]).as_secs_f64();
    let achieved = (at.len() - 1) as f64 / span;
    assert!(achieved <= RATE as f64 * 1.1, "{achieved:.1}/s at {RATE}/s");
    assert!(achieved >= RATE as f64 * 0.5, "the limit is used, not starved: {achieved:.1}/s in {took:?}");
}
