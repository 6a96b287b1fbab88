//! The executions API on the local cloud: the list across every state machine, filtered and
//! paged; every step of an execution from its history, including one that failed and the
//! compensation that followed.

use std::collections::BTreeSet;

use cfm_e2e::{TestStack, unique_bucket};
use reqwest::Method;
use serde_json::{Value, json};

/// `(name, outcome)` of every step of `execution`.
async fn steps(t: &TestStack, execution: &str) -> Vec<Value> {
    let answer = t.api.get(&format!("/executions/{execution}/steps")).await.unwrap();
    answer["steps"].as_array().unwrap().clone()
}

fn outcomes(steps: &[Value]) -> Vec<(&str, &str)> {
    steps.iter().map(|s| (s["name"].as_str().unwrap(), s["outcome"].as_str().unwrap())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn executions_are_listed_across_workflows_and_show_every_step() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-north-1").await;
    let body = json!({"domainName": "listed.example.com"});
    let certificate = t.accept(Method::POST, "/certificates", Some(&body)).await;

    let listed = t.api.get(&format!("/executions?workflow=create-origin&resourceId={origin}")).await.unwrap();
    let only = &listed["executions"][0];
    assert_eq!((listed["count"].as_u64(), only["status"].as_str()), (Some(1), Some("SUCCEEDED")), "{listed}");
    assert_eq!(only["workflow"], "create-origin");
    // Newest first across machines, a page at a time, each once.
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let query = token.as_ref().map(|t| format!("&nextToken={t}")).unwrap_or_default();
        let page = t.api.get(&format!("/executions?limit=1{query}")).await.unwrap();
        names.extend(page["executions"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_owned()));
        token = page["nextToken"].as_str().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(names.len(), names.iter().collect::<BTreeSet<_>>().len(), "each once: {names:?}");
    assert_eq!(names[0], certificate["executionId"].as_str().unwrap(), "newest first: {names:?}");
    assert!(names.contains(&only["name"].as_str().unwrap().to_owned()));

    // Every state, the quick ones too, in order.
    let steps = steps(&t, only["name"].as_str().unwrap()).await;
    let expected = [
        "ValidateOrigin",
        "OriginType",
        "CreateBucket",
        "ConfigureBucket",
        "CreateOac",
        "FinalizeOrigin",
        "OriginReady",
    ];
    assert_eq!(outcomes(&steps), expected.map(|s| (s, "succeeded")));
    assert_eq!(steps[2]["attempts"], 1);
    assert!(steps.iter().all(|s| s["durationMs"].as_i64().is_some_and(|d| d >= 0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_executions_steps_show_where_it_failed_and_what_compensated() {
    let (t, faults) = TestStack::with_task_faults().await;
    faults.arm("ConfigureBucket", 1);
    let spec = json!({"name": "o", "bucketName": unique_bucket("steps"), "region": "us-east-1"});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "FAILED", "{view}");
    let steps = steps(&t, accepted["executionId"].as_str().unwrap()).await;
    let seen = outcomes(&steps);
    assert!(seen.contains(&("ConfigureBucket", "caught")), "{seen:?}");
    assert_eq!(
        &seen[seen.len() - 3..],
        [
            ("CompensateOrigin", "succeeded"),
            ("RecordOriginCreateFailed", "succeeded"),
            ("OriginCreateFailed", "failed")
        ]
    );
    let failed = steps.iter().find(|s| s["name"] == "ConfigureBucket").unwrap();
    assert!(failed["error"].as_str().is_some_and(|e| e.starts_with("cfm.")), "{failed}");
    assert!(failed["cause"].as_str().is_some_and(|c| !c.is_empty()), "{failed}");
    assert_eq!(steps.last().unwrap()["error"], view["error"], "the execution's failure, on the state it ended in");
}
