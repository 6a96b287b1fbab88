//! The `cfm` binary against a running stack: flags and environment select the API, `--wait`
//! follows executions, `--output json` is machine-readable, and mistakes exit non-zero with the
//! API's problems listed.

use std::path::PathBuf;
use std::process::Output;

use cfm_e2e::{TestStack, unique_bucket};

/// The `cfm` binary cargo built next to this test (target/debug/cfm).
fn cfm_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let binary = dir.join("cfm");
    assert!(binary.exists(), "{} is missing: run `cargo build -p cfm` first (cargo xtask test does)", binary.display());
    binary
}

async fn cfm(t: &TestStack, args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(cfm_binary());
    command
        .args(args)
        .env("CFM_API_URL", t.stack.api_url())
        .env("CFM_TOKEN", t.stack.token())
        .env("CFM_HOME", std::env::temp_dir().join("cfm-cli-test-no-local-json"));
    command.output().await.expect("cfm runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_drives_the_api() {
    let t = TestStack::default().await;
    let bucket = unique_bucket("cli");
    let out =
        cfm(&t, &["origins", "create", "--name", "cli", "--bucket", &bucket, "--region", "eu-west-1", "--wait"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    // Which states show depends on timing; the state the execution ended in always does.
    assert!(stdout.contains("→ OriginReady"), "--wait shows the states: {stdout}");
    assert!(stdout.contains("SUCCEEDED"), "{stdout}");

    let out = cfm(&t, &["origins", "list", "--output", "json"]).await;
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--output json prints JSON");
    assert_eq!(list["origins"][0]["bucketName"], bucket.as_str());

    let out = cfm(&t, &["distributions", "list", "--status", "NOPE"]).await;
    assert!(!out.status.success(), "a rejected request exits non-zero");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("400") && stderr.contains("status: must be one of"), "{stderr}");

    let out = tokio::process::Command::new(cfm_binary())
        .args(["origins", "list"])
        .env_remove("CFM_API_URL")
        .env_remove("CFM_TOKEN")
        .env("CFM_HOME", std::env::temp_dir().join("cfm-cli-test-no-local-json"))
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cfm local up"), "says how to start the local cloud");
}
