//! Benchmark: 100 create-origin workflows started at once on the local cloud: the time until
//! every one ended (and how), and where the time went (each state's mean and longest time, from each
//! execution's steps; a task's time includes its wait for a worker). Prints Markdown for
//! docs/benchmarks.md. Outside CI: `cargo run -p cfm-e2e --bin create_origins -- 100`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cfm_e2e::{TestStack, unique_bucket};
use reqwest::Method;
use serde_json::json;

#[tokio::main]
async fn main() {
    let count: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let t = TestStack::default().await;
    let started = Instant::now();
    let starts = (0..count).map(|i| {
        let spec = json!({"name": format!("o{i}"), "bucketName": unique_bucket("many"), "region": "eu-west-1"});
        let t = &t;
        async move { t.accept(Method::POST, "/origins", Some(&spec)).await["executionId"].as_str().unwrap().to_owned() }
    });
    let executions = futures::future::join_all(starts).await;
    let accepted = started.elapsed().as_secs_f64();
    let waits = executions.iter().map(|id| {
        let t = &t;
        async move { tokio::time::timeout(Duration::from_secs(900), t.api.wait(id, |_| {})).await.unwrap().unwrap() }
    });
    let views = futures::future::join_all(waits).await;
    let all_done = started.elapsed().as_secs_f64();
    let mut ended: BTreeMap<String, usize> = BTreeMap::new();
    for view in &views {
        let how =
            format!("{} {}", view["status"].as_str().unwrap_or_default(), view["error"].as_str().unwrap_or_default());
        *ended.entry(how.trim_end().to_owned()).or_default() += 1;
        if view["status"] != "SUCCEEDED" {
            eprintln!("{} ended {}: {}", view["name"], view["status"], view["cause"]);
        }
    }
    let mut per_state: BTreeMap<String, (Vec<f64>, u64)> = BTreeMap::new();
    for id in &executions {
        let steps = t.api.get(&format!("/executions/{id}/steps")).await.unwrap();
        for step in steps["steps"].as_array().unwrap() {
            let ms = step["durationMs"].as_f64().unwrap_or_default();
            let entry = per_state.entry(step["name"].as_str().unwrap().to_owned()).or_default();
            entry.0.push(ms);
            entry.1 += step["retries"].as_u64().unwrap_or_default();
        }
    }
    println!("{count} create-origin started in {accepted:.1} s; all ended after {all_done:.1} s: {ended:?}\n");
    println!("| state | runs | mean | max | retries |");
    println!("|---|---|---|---|---|");
    for (state, (ms, retries)) in &per_state {
        let mean = ms.iter().sum::<f64>() / ms.len() as f64;
        let max = ms.iter().copied().fold(0.0, f64::max);
        println!("| {state} | {} | {mean:.0} ms | {max:.0} ms | {retries} |", ms.len());
    }
}
