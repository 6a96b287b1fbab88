//! Benchmark: the API's latency on the local stack, p50 and p99 of `GET /distributions` and
//! `POST /distributions/{id}/invalidate` at 1, 10 and 50 concurrent clients, each level a
//! bounded number of requests over loopback. Prints Markdown for docs/benchmarks.md. Outside
//! CI: `cargo run -p cfm-e2e --bin api_load` (a release build measures the API as it ships:
//! `cargo run --release -p cfm-e2e --bin api_load`).

use std::time::{Duration, Instant};

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::{Value, json};

/// Requests per level and endpoint.
const REQUESTS: usize = 200;

/// (p50, p99) in milliseconds.
fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
    (at(0.50), at(0.99))
}

/// `clients` clients sending `REQUESTS` requests between them; each request's latency.
async fn level(
    t: &TestStack,
    clients: usize,
    request: impl Fn(usize) -> (Method, String, Option<Value>) + Sync,
) -> Vec<f64> {
    let request = &request;
    let client = |c: usize| async move {
        let mut ms = Vec::new();
        for n in (c..REQUESTS).step_by(clients) {
            let (method, path, body) = request(n);
            let started = Instant::now();
            let answer = t.api.send(method, &path, body.as_ref(), None).await.expect("the API answers");
            assert!(answer.status.is_success(), "{path}: {} {}", answer.status, answer.body);
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        ms
    };
    let all = futures::future::join_all((0..clients).map(client));
    tokio::time::timeout(Duration::from_secs(600), all).await.expect("a level ends in 10 minutes").concat()
}

#[tokio::main]
async fn main() {
    let t = TestStack::default().await;
    let origin = cfm_domain::fixtures::bucket("org-0123456789abcdef", &cfm_e2e::unique_bucket("load"), "us-east-1");
    let ids = cfm_e2e::fleet::seed(&t, &origin, 100, json!({"bench": "api"})).await;
    println!("| clients | endpoint | requests | p50 | p99 |");
    println!("|---|---|---|---|---|");
    for clients in [1, 10, 50] {
        let list = level(&t, clients, |_| (Method::GET, "/distributions?limit=50".to_owned(), None)).await;
        let (p50, p99) = percentiles(list);
        println!("| {clients} | GET /distributions | {REQUESTS} | {p50:.1} ms | {p99:.1} ms |");
        let invalidate = level(&t, clients, |n| {
            let path = format!("/distributions/{}/invalidate", ids[n % ids.len()]);
            (Method::POST, path, Some(json!({"paths": [format!("/bench/{clients}/{n}")]})))
        })
        .await;
        let (p50, p99) = percentiles(invalidate);
        println!("| {clients} | POST /distributions/{{id}}/invalidate | {REQUESTS} | {p50:.1} ms | {p99:.1} ms |");
    }
}
