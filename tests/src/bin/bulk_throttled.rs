//! Benchmark: a bulk invalidation over a fleet seeded straight into the local cloud, with
//! CloudFront throttling every 10th CreateInvalidation (each throttled call sent as a read, so
//! it changes nothing, as on AWS): the rate achieved against the configured one, failed items,
//! state transitions and Step Functions cost per item. Prints a Markdown row for
//! docs/benchmarks.md. Outside CI: `cargo run -p cfm-e2e --bin bulk_throttled -- 1000 8`
//! (distributions, invalidations per second; keep the rate under what the local cloud serves, about 12 invalidations a second with 1,000 distributions on 2 cores).

use std::time::{Duration, Instant};

use cfm_e2e::TestStack;
use cfm_e2e::faults::{CountOperation, FailOperation};
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::json;

/// Step Functions Standard price per state transition (us-east-1, $0.025 per 1,000).
const PRICE_PER_TRANSITION: f64 = 0.000_025;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().expect("a number"));
    let (size, rate) = (args.next().unwrap_or(1000), args.next().unwrap_or(20));
    let throttle = FailOperation::cloudfront_throttling_every("CreateInvalidation", 10);
    let throttled = throttle.counter();
    let calls = CountOperation::new("CreateInvalidation");
    let sent = calls.sent_at();
    let options = StackOptions {
        worker_interceptors: vec![throttle.shared(), calls.shared()],
        cloudfront_rates: Some(format!("invalidation={rate}")),
        ..Default::default()
    };
    let t = TestStack::start(options).await;
    let origin = cfm_domain::fixtures::bucket("org-0123456789abcdef", &cfm_e2e::unique_bucket("bench"), "us-east-1");
    let seeding = Instant::now();
    cfm_e2e::fleet::seed(&t, &origin, size, json!({"bench": "bulk"})).await;
    eprintln!("seeded {size} distributions in {:.1} s", seeding.elapsed().as_secs_f64());
    let body = json!({"selector": {"tags": {"bench": "bulk"}}, "paths": ["/index.html"]});
    let started = Instant::now();
    let accepted = t.accept(Method::POST, "/bulk/invalidations", Some(&body)).await;
    let wait = t.api.wait(accepted["executionId"].as_str().unwrap(), |_| {});
    let view = tokio::time::timeout(Duration::from_secs(3600), wait).await.expect("ends within an hour").unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let progress = &view["progress"];
    let mut at = sent.lock().unwrap().clone();
    at.sort();
    let span = at.last().unwrap().duration_since(at[0]).as_secs_f64();
    let achieved = (at.len() - 1) as f64 / span;
    let transitions = t.states_entered(view["executionArn"].as_str().unwrap()).await.len();
    let throttled = throttled.load(std::sync::atomic::Ordering::SeqCst);
    println!(
        "| items | configured | calls (throttled) | achieved | of configured | failed | seconds | transitions | cost per 1,000 items |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {size} | {rate}/s | {} ({throttled}) | {achieved:.1}/s | {:.0}% | {} | {seconds:.1} | {transitions} | ${:.4} |",
        at.len(),
        100.0 * achieved / rate as f64,
        progress["failed"],
        transitions as f64 * PRICE_PER_TRANSITION * 1000.0 / size as f64,
    );
}
