//! Hostile input is refused fast and changes nothing: bodies over what a workflow can carry are
//! a 413 before they are parsed, oversized lists are reported once (not checked item by item),
//! the problems listed are capped, `nextToken`s are checked, and AWS's "your input is wrong"
//! answers are 4xx, not 502.

use cfm_e2e::faults::FailOperation;
use cfm_e2e::{TestStack, problem_fields};
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::{Value, json};

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";

async fn answer(t: &TestStack, method: Method, path: &str, body: &Value) -> (u16, Value) {
    let answer = t.api.send(method, path, Some(body), None).await.unwrap();
    (answer.status.as_u16(), answer.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_and_lists_are_refused_without_starting_anything() {
    let t = TestStack::default().await;
    let origin = t.origin("us-east-1").await;
    let before = t.execution_count().await;

    // 150,000 paths: far over the body limit, refused before parsing (and before the 404 the
    // unknown distribution would get).
    let paths: Vec<String> = (0..150_000).map(|i| format!("/p/{i}")).collect();
    let (status, body) =
        answer(&t, Method::POST, "/distributions/dist-none/invalidate", &json!({"paths": paths})).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"], "PayloadTooLarge");

    // Within the body limit but over CloudFront's: one problem, the count.
    let paths: Vec<&str> = vec!["/a"; 40_000];
    let (status, body) =
        answer(&t, Method::POST, "/distributions/dist-none/invalidate", &json!({"paths": paths})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(problem_fields(&body).unwrap(), ["paths"]);
    assert!(body["problems"][0]["message"].as_str().unwrap().contains("40000"), "{body}");

    // Within every limit and all duplicates: every problem is counted, the first 50 listed.
    let paths: Vec<&str> = vec!["/same"; 3000];
    let (status, body) =
        answer(&t, Method::POST, "/distributions/dist-none/invalidate", &json!({"paths": paths})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["problems"].as_array().unwrap().len(), 50);
    assert_eq!(body["problemCount"], 2999);
    assert_eq!(body["problems"][0]["field"], "paths[1]");

    // The same shape for aliases and custom error responses.
    let aliases: Vec<&str> = vec!["cdn.example.com"; 8_000];
    let spec = json!({"name": "n", "originId": origin, "certificateArn": CERT, "aliases": aliases});
    let (status, body) = answer(&t, Method::POST, "/distributions", &spec).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(problem_fields(&body).unwrap(), ["aliases"]);
    let responses: Vec<Value> = (0..5_000).map(|_| json!({"errorCode": 404})).collect();
    let spec = json!({"name": "n", "originId": origin, "customErrorResponses": responses});
    let (status, body) = answer(&t, Method::POST, "/distributions", &spec).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(problem_fields(&body).unwrap(), ["customErrorResponses"]);

    // A huge value is quoted shortened, not echoed whole.
    let spec = json!({"name": "n", "originId": origin, "priceClass": "x".repeat(200_000)});
    let (status, body) = answer(&t, Method::POST, "/distributions", &spec).await;
    assert_eq!(status, 400);
    assert!(body.to_string().len() < 2_000, "the answer echoes the value: {} bytes", body.to_string().len());

    assert_eq!(t.execution_count().await, before, "nothing was started");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_and_foreign_next_tokens_are_a_400_naming_next_token() {
    let t = TestStack::default().await;
    t.origin("us-east-1").await;
    t.origin("us-east-1").await;
    let page = t.api.get("/origins?limit=1").await.unwrap();
    let origins_token = page["nextToken"].as_str().expect("a second page").to_owned();
    // The token continues its own list...
    let next = t.api.get(&format!("/origins?limit=1&nextToken={origins_token}")).await.unwrap();
    assert_eq!(next["origins"].as_array().unwrap().len(), 1);
    // ...and nothing else.
    let origin = page["origins"][0]["id"].as_str().unwrap();
    for (path, token) in [
        ("/origins", "e30"),
        ("/origins", "%21%21not-a-token"),
        ("/distributions", origins_token.as_str()),
        ("/templates", origins_token.as_str()),
        (&format!("/origins/{origin}/history") as &str, origins_token.as_str()),
    ] {
        let answer = t.api.send(Method::GET, &format!("{path}?nextToken={token}"), None, None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 400, "{path} {token}: {}", answer.body);
        assert_eq!(problem_fields(&answer.body).unwrap(), ["nextToken"], "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_of_another_account_is_refused_naming_the_field() {
    let t = TestStack::default().await;
    let origin = t.origin("us-east-1").await;
    let before = t.execution_count().await;
    let foreign = "arn:aws:acm:us-east-1:999999999999:certificate/11111111-1111-1111-1111-111111111111";
    let spec = json!({"name": "n", "originId": origin, "certificateArn": foreign, "aliases": ["cdn.example.com"]});
    let (status, body) = answer(&t, Method::POST, "/distributions", &spec).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(problem_fields(&body).unwrap(), ["certificateArn"]);
    assert!(body["problems"][0]["message"].as_str().unwrap().contains("999999999999"), "{body}");
    assert_eq!(t.execution_count().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_rejecting_the_input_is_a_4xx_and_a_service_failure_a_5xx() {
    // Injected into the API's own clients: DynamoDB says the query is invalid, then fails.
    let options = StackOptions {
        api_interceptors: vec![
            FailOperation::dynamodb("Query", "ValidationException", 1).shared(),
            // more times than the SDK retries a 5xx itself
            FailOperation::dynamodb_status("GetItem", 500, "InternalServerError", 10).shared(),
        ],
        ..Default::default()
    };
    let t = TestStack::start(options).await;
    let answer = t.api.send(Method::GET, "/origins", None, None).await.unwrap();
    assert_eq!(answer.status.as_u16(), 400, "{}", answer.body);
    assert!(answer.body.to_string().contains("ValidationException"), "{}", answer.body);
    // The fault is spent: the same request now works.
    assert_eq!(t.api.send(Method::GET, "/origins", None, None).await.unwrap().status.as_u16(), 200);
    let answer = t.api.send(Method::GET, "/origins/org-0000000000000000", None, None).await.unwrap();
    assert_eq!(answer.status.as_u16(), 503, "{}", answer.body);
    assert!(!answer.body.to_string().contains("InternalServerError"), "no internals: {}", answer.body);
}
