//! The web console in a real browser: Debian's Chromium, driven by playwright-core
//! (`tests/console`), against this stack. One create-origin is made to fail first (an injected
//! task failure) so the browser can open it, and a distribution gets requests in the local
//! cloud's CloudWatch (written as CloudFront would); screenshots of each page are kept under the
//! target directory (`tmp/console-screenshots`).

use std::path::{Path, PathBuf};
use std::process::Command;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use cfm_e2e::{TestStack, unique_bucket};
use reqwest::Method;
use serde_json::json;

/// Debian's Chromium; `cargo xtask test` installs it (apt) on a machine without one.
fn chromium() -> PathBuf {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from).into_iter().find(|p| p.exists());
    found.expect("no Chromium: `cargo xtask test` installs it, or `apt-get install chromium`")
}

/// A deployed distribution with 60 and then 40 requests in the last hour; returns its id.
async fn measured_distribution(t: &TestStack) -> String {
    let origin = t.origin("eu-west-2").await;
    let (accepted, view) =
        t.run(Method::POST, "/distributions", Some(&json!({"name": "watched", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let cloudfront =
        t.api.get(&format!("/distributions/{id}")).await.unwrap()["cloudfrontId"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().timestamp();
    let datum = |at: i64, value: f64| {
        MetricDatum::builder()
            .metric_name("Requests")
            .dimensions(Dimension::builder().name("DistributionId").value(&cloudfront).build())
            .dimensions(Dimension::builder().name("Region").value("Global").build())
            .timestamp(DateTime::from_secs(at))
            .value(value)
            .build()
    };
    let data = vec![datum(now - 3000, 60.0), datum(now - 1200, 40.0)];
    t.aws.cloudwatch().put_metric_data().namespace("AWS/CloudFront").set_metric_data(Some(data)).send().await.unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_follows_executions_in_a_browser() {
    let browser = chromium();
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("console");
    assert!(suite.join("node_modules/playwright-core").exists(), "`npm ci` in tests/console (cargo xtask test does)");
    let (t, faults) = TestStack::with_task_faults().await;
    faults.arm("ConfigureBucket", 1);
    let spec = json!({"name": "failing", "bucketName": unique_bucket("console"), "region": "us-east-1"});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "FAILED", "{view}");
    let distribution = measured_distribution(&t).await;

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let (api, token) = (t.stack.api_url().to_owned(), t.stack.token().to_owned());
    let failed = accepted["executionId"].as_str().unwrap().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "console.test.mjs"])
            .current_dir(&suite)
            .env("CFM_API_URL", api)
            .env("CFM_TOKEN", token)
            .env("CFM_FAILED_EXECUTION", failed)
            .env("CFM_DISTRIBUTION", distribution)
            .env("CFM_SCREENSHOTS", &shots)
            .env("CFM_CHROMIUM", browser)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the browser tests failed:\n{report}");
    let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots");
    for page in [
        "executions",
        "execution-succeeded",
        "origin",
        "execution-failed",
        "executions-failed",
        "distribution",
        "fleet",
    ] {
        assert!(kept.join(format!("{page}.png")).exists(), "screenshot {page}: {report}");
    }
}
