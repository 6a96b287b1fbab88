//! The web console in a real browser: Debian's Chromium, driven by playwright-core
//! (`tests/console`), against this stack. One create-origin is made to fail first (an injected
//! task failure) so the browser can open it; screenshots of each page are kept under the
//! target directory (`tmp/console-screenshots`).

use std::path::{Path, PathBuf};
use std::process::Command;

use cfm_e2e::{TestStack, unique_bucket};
use reqwest::Method;
use serde_json::json;

/// Debian's Chromium; `cargo xtask test` installs it (apt) on a machine without one.
fn chromium() -> PathBuf {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from).into_iter().find(|p| p.exists());
    found.expect("no Chromium: `cargo xtask test` installs it, or `apt-get install chromium`")
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
    for page in ["executions", "execution-succeeded", "origin", "execution-failed", "executions-failed"] {
        assert!(kept.join(format!("{page}.png")).exists(), "screenshot {page}: {report}");
    }
}
