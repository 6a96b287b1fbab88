//! Every route needs a valid bearer token; readers may not write.

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_valid_token_get_401_and_readers_get_403() {
    let t = TestStack::default().await;
    let raw = reqwest::Client::new();
    let base = t.stack.api_url();
    for path in ["/origins", "/origins/org-1", "/origins/org-1/history", "/executions/x"] {
        let answer = raw.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 401, "{path} without a token");
        assert_eq!(answer.headers()["www-authenticate"], "Bearer");
    }
    let foreign = cfm_api_token_from_another_stack();
    for token in ["", "garbage", "a.b.c", foreign.as_str()] {
        let answer = t.api.send_as(token, Method::GET, "/origins", None, None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 401, "token {token:?}");
    }
    let spec = json!({"name": "n", "bucketName": "never-created-401", "region": "us-east-1"});
    let answer = t.api.send_as("garbage", Method::POST, "/origins", Some(&spec), None).await.unwrap();
    assert_eq!(answer.status.as_u16(), 401);

    let reader = t.stack.issue_token("auditor", &["read-only"]);
    assert_eq!(t.api.send_as(&reader, Method::GET, "/origins", None, None).await.unwrap().status.as_u16(), 200);
    let answer = t.api.send_as(&reader, Method::POST, "/origins", Some(&spec), None).await.unwrap();
    assert_eq!(answer.status.as_u16(), 403);
    assert_eq!(t.execution_count().await, 0);
}

fn cfm_api_token_from_another_stack() -> String {
    cfm_api::LocalTokens::new(b"some other stack's key").issue("local-admin", &["admin"])
}
