//! Reads: pages, tokens, executions, history.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::Api;

#[tokio::test]
async fn a_token_this_list_did_not_return_is_a_bad_request_naming_it() {
    let api = Api::new();
    for token in ["e30", "garbage", "DISTRIBUTION:0"] {
        let answer = api.admin(Method::GET, &format!("/origins?nextToken={token}"), None).await;
        assert_eq!((answer.status, answer.fields()), (StatusCode::BAD_REQUEST, vec!["nextToken"]), "{token}");
    }
    assert_eq!(api.admin(Method::GET, "/origins?limit=0", None).await.fields(), ["limit"]);
    assert_eq!(api.admin(Method::GET, "/distributions?status=NOPE", None).await.fields(), ["status"]);
    assert_eq!(api.admin(Method::GET, "/certificates?status=NOPE", None).await.fields(), ["status"]);
}

#[tokio::test]
async fn pages_follow_their_tokens_to_the_end() {
    let api = Api::new();
    for i in 0..3 {
        let body = json!({"name": format!("o{i}"), "bucketName": format!("bucket-{i}"), "region": "eu-west-1"});
        assert_eq!(api.admin(Method::POST, "/origins", Some(body)).await.status, StatusCode::ACCEPTED);
    }
    let first = api.admin(Method::GET, "/origins?limit=2", None).await.body;
    assert_eq!(first["count"], 2);
    let token = first["nextToken"].as_str().unwrap();
    let rest = api.admin(Method::GET, &format!("/origins?limit=2&nextToken={token}"), None).await.body;
    assert_eq!((rest["count"].clone(), rest["nextToken"].clone()), (json!(1), json!(null)));
}

#[tokio::test]
async fn executions_are_found_by_name_or_arn_of_this_stack_only() {
    let api = Api::new();
    let started = api.admin(Method::POST, "/certificates", Some(json!({"domainName": "*.example.com"}))).await;
    assert_eq!(started.status, StatusCode::ACCEPTED);
    let name = started.body["executionId"].as_str().unwrap();
    assert!(!name.contains('*'));
    let by_name = api.admin(Method::GET, &format!("/executions/{name}"), None).await;
    assert_eq!((by_name.status, by_name.body["status"].as_str()), (StatusCode::OK, Some("RUNNING")));
    let arn = started.body["executionArn"].as_str().unwrap();
    assert_eq!(api.admin(Method::GET, &format!("/executions/{arn}"), None).await.status, StatusCode::OK);
    let foreign = arn.replace("123456789012", "999999999999");
    assert_eq!(api.admin(Method::GET, &format!("/executions/{foreign}"), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.admin(Method::GET, "/executions/nothing.like.this", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn history_of_something_that_never_existed_is_not_found() {
    let api = Api::new();
    let answer = api.admin(Method::GET, "/distributions/dist-0123456789abcdef/history", None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(api.admin(Method::GET, "/no/such/route", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn browsers_on_allowed_origins_get_cors_answers_and_preflights_need_no_token() {
    use axum::http::{Method, StatusCode};
    let api = super::Api::new();
    let preflight = api
        .send(
            Method::OPTIONS,
            "/origins",
            None,
            &[
                ("origin", "http://localhost:5173"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "authorization,content-type,idempotency-key"),
            ],
            None,
        )
        .await;
    assert_eq!(preflight.status, StatusCode::OK, "answered before authentication");
    assert_eq!(preflight.headers["access-control-allow-origin"], "http://localhost:5173");
    let allowed = preflight.headers["access-control-allow-headers"].to_str().unwrap().to_owned();
    assert!(allowed.contains("authorization") && allowed.contains("idempotency-key"), "{allowed}");
    let read = api.send(Method::GET, "/origins", Some(&api.admin), &[("origin", "http://127.0.0.1:3000")], None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.headers["access-control-allow-origin"], "http://127.0.0.1:3000");
    let exposed = read.headers["access-control-expose-headers"].to_str().unwrap().to_owned();
    assert!(exposed.contains("location") && exposed.contains("idempotent-replayed"), "{exposed}");
    let foreign = api
        .send(
            Method::OPTIONS,
            "/origins",
            None,
            &[("origin", "https://evil.example"), ("access-control-request-method", "POST")],
            None,
        )
        .await;
    assert!(foreign.headers.get("access-control-allow-origin").is_none(), "another origin is not allowed");
    let unauthenticated = api.send(Method::GET, "/origins", None, &[("origin", "http://localhost:5173")], None).await;
    assert_eq!(
        unauthenticated.status,
        StatusCode::UNAUTHORIZED,
        "CORS lets the browser read the answer, not skip the token"
    );
}
