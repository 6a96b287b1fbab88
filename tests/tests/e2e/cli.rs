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
    // Every step from the history, the quick ones too.
    for state in ["ValidateOrigin (Task", "ConfigureBucket (Task", "CreateOac (Task", "OriginReady (Succeed"] {
        assert!(stdout.contains(&format!("✓ {state}")), "--wait shows {state}: {stdout}");
    }
    assert!(stdout.contains("SUCCEEDED"), "{stdout}");

    let out = cfm(&t, &["origins", "list", "--output", "json"]).await;
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--output json prints JSON");
    assert_eq!(list["origins"][0]["bucketName"], bucket.as_str());

    let custom = [
        "origins",
        "create-custom",
        "--name",
        "api",
        "--domain",
        "api.example.com",
        "--https-port",
        "8443",
        "--header",
        "X-Origin-Verify=cli-secret",
        "--wait",
        "--output",
        "json",
    ];
    let out = cfm(&t, &custom).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cfm(&t, &["origins", "list", "--output", "json"]).await;
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let api = list["origins"].as_array().unwrap().iter().find(|o| o["type"] == "custom").expect("the custom origin");
    assert_eq!(
        (api["httpsPort"].as_i64(), api["customHeaders"]["X-Origin-Verify"].as_str()),
        (Some(8443), Some("(hidden)"))
    );
    let file = std::env::temp_dir().join(format!("cfm-headers-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"X-Origin-Verify": "from-a-file"}"#).unwrap();
    let id = api["id"].as_str().unwrap();
    let out = cfm(&t, &["origins", "update", id, "--headers-file", file.to_str().unwrap(), "--wait"]).await;
    std::fs::remove_file(&file).ok();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let updated = t.ports().records().get::<cfm_domain::origin::OriginRecord>(id).await.unwrap().unwrap();
    let cfm_domain::origin::OriginKind::Custom(settings) = &updated.kind else { panic!("custom") };
    assert_eq!(settings.custom_headers.values().next().unwrap().expose(), "from-a-file");
    // A routed distribution from a preset: the regions take the origins in order.
    let s3 = list["origins"].as_array().unwrap().iter().find(|o| o["type"] == "s3").unwrap()["id"].as_str().unwrap();
    let routed =
        ["distributions", "create", "--name", "routed", "--origin", s3, "--origin", id, "--routing", "apac-americas"];
    let out = cfm(&t, &[&routed[..], &["--wait"]].concat()).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cfm(&t, &["edge", "list", "--output", "json"]).await;
    let functions: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(functions["edgeFunctions"][0]["status"], "ACTIVE", "{functions}");
    assert_eq!(functions["edgeFunctions"][0]["routing"]["regions"]["apac"], s3);
    let out = cfm(&t, &["origins", "create-custom", "--name", "ip", "--domain", "10.0.0.1"]).await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("domainName"), "names the field");

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_plans_and_runs_bulk_operations() {
    let t = TestStack::default().await;
    let origin = cfm_domain::fixtures::bucket("org-0123456789abcdef", &unique_bucket("cli-bulk"), "us-east-1");
    let seeded = cfm_e2e::fleet::seed(&t, &origin, 3, serde_json::json!({"cli": "bulk"})).await;
    let plan = cfm(&t, &["bulk", "invalidate", "--tag", "cli=bulk", "--path", "/index.html", "--plan"]).await;
    let stdout = String::from_utf8_lossy(&plan.stdout);
    assert!(plan.status.success(), "{stdout}{}", String::from_utf8_lossy(&plan.stderr));
    assert!(stdout.contains("plan: 3 of 3 would run, 0 skipped, 0 would fail; nothing started"), "{stdout}");
    assert!(seeded.iter().all(|id| stdout.contains(id.as_str())), "every distribution listed: {stdout}");

    let run = cfm(&t, &["bulk", "invalidate", "--tag", "cli=bulk", "--path", "/index.html", "--wait"]).await;
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("SUCCEEDED (3 of 3 done, 0 failed, 0 skipped)"), "--wait ends with the counts: {stdout}");
    assert!(stdout.contains("✓ FinalizeBulkOperation (Task"), "{stdout}");

    let update = ["bulk", "update", "--ids", seeded[0].as_str(), "--patch", r#"{"priceClass":"Cheap"}"#, "--plan"];
    let bad = cfm(&t, &update).await;
    assert!(!bad.status.success(), "a patch that does not validate is refused");
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("patch.priceClass"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
