//! Benchmark: how fast the API refuses hostile input, end to end over loopback against a local
//! stack. Each case is the worst body of its kind up to the body limit (or over it); the figure
//! is the time from sending the (already serialized) request to reading the whole answer. Prints Markdown for
//! docs/benchmarks.md. Run: `cargo run --release -p cfm-e2e --bin refusal` (or debug).

use std::time::{Duration, Instant};

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::{Value, json};

/// Requests per case.
const RUNS: usize = 30;
const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let t = TestStack::default().await;
    let http = reqwest::Client::new();
    let origin = t.origin("us-east-1").await;
    // Just under the 240 KiB body limit, or far over it.
    let cases: Vec<(&str, String, Value, u16)> = vec![
        (
            "150,000 paths (over the body limit)",
            "/distributions/dist-x/invalidate".into(),
            json!({"paths": (0..150_000).map(|i| format!("/p/{i}")).collect::<Vec<_>>()}),
            413,
        ),
        (
            "40,000 paths (over CloudFront's 3,000)",
            "/distributions/dist-x/invalidate".into(),
            json!({"paths": vec!["/a"; 40_000]}),
            400,
        ),
        (
            "3,000 duplicate paths",
            "/distributions/dist-x/invalidate".into(),
            json!({"paths": vec!["/same"; 3000]}),
            400,
        ),
        (
            "3,000 distinct 70-byte paths with spaces",
            "/distributions/dist-x/invalidate".into(),
            json!({"paths": (0..3000).map(|i| format!("/a b/{i:064}")).collect::<Vec<_>>()}),
            400,
        ),
        (
            "12,000 duplicate aliases",
            "/distributions".into(),
            json!({"name": "n", "originId": origin, "certificateArn": CERT, "aliases": vec!["cdn.example.com"; 12_000]}),
            400,
        ),
        (
            "8,000 custom error responses",
            "/distributions".into(),
            json!({"name": "n", "originId": origin, "customErrorResponses": (0..8_000).map(|_| json!({"errorCode": 404})).collect::<Vec<_>>()}),
            400,
        ),
        (
            "one 230 KB value",
            "/distributions".into(),
            json!({"name": "n", "originId": origin, "priceClass": "x".repeat(230_000)}),
            400,
        ),
        (
            "100 CORS rules x 100 bad origins",
            "/origins".into(),
            json!({"name": "n", "bucketName": "b-bench", "region": "us-east-1",
                "cors": (0..100).map(|_| json!({"allowedOrigins": vec!["ftp://x"; 100], "allowedMethods": ["GET"]})).collect::<Vec<_>>()}),
            400,
        ),
    ];
    println!("| request | body | answer | median | p99 | max |");
    println!("|---|---|---|---|---|---|");
    for (what, path, body, expected) in cases {
        let bytes = body.to_string();
        let size = bytes.len();
        let url = format!("{}{path}", t.stack.api_url());
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let request = http.request(Method::POST, &url).bearer_auth(t.stack.token()).body(bytes.clone());
            let started = Instant::now();
            let answer = request.send().await.unwrap();
            let status = answer.status().as_u16();
            let text = answer.text().await.unwrap();
            times.push(started.elapsed());
            assert_eq!(status, expected, "{what}: {text}");
        }
        times.sort();
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {what} | {} KB | {expected} | {} | {} | {} |",
            size / 1000,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().unwrap())
        );
    }
}
