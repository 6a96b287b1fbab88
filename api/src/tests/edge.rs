//! `POST /edge-functions/preview`: the generated function and its table, nothing created.

use axum::http::{Method, StatusCode};
use cfm_domain::fixtures;
use serde_json::json;

use super::Api;

const APAC: &str = "org-00000000000000a1";
const AMERICAS: &str = "org-00000000000000b2";
const API: &str = "org-00000000000000c3";

async fn with_origins() -> Api {
    let api = Api::new();
    let ports = api.memory.ports();
    for origin in [
        fixtures::bucket(APAC, "b-apac", "ap-northeast-2"),
        fixtures::bucket(AMERICAS, "b-americas", "us-east-1"),
        fixtures::custom(API, "api.example.com"),
    ] {
        assert!(matches!(ports.records().create(&origin).await, Ok(Ok(true))));
    }
    api
}

#[tokio::test]
async fn a_preview_shows_the_code_its_size_and_where_each_country_goes() {
    let api = with_origins().await;
    let body = json!({"origins": [APAC, AMERICAS], "routing": {"preset": "apac-americas",
        "regions": {"apac": APAC, "americas": AMERICAS}, "defaultOriginId": AMERICAS}});
    let answer = api.reader(Method::POST, "/edge-functions/preview", Some(body)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let preview = answer.body;
    assert_eq!((preview["table"]["KR"].as_str(), preview["table"]["DE"].as_str()), (Some(APAC), Some(AMERICAS)));
    assert_eq!(preview["table"].as_object().unwrap().len(), 250);
    assert_eq!(preview["mode"], "cloudfront-function");
    assert!(preview["sizeBytes"].as_u64() < preview["limitBytes"].as_u64());
    assert!(preview["code"].as_str().unwrap().contains(APAC));
    assert!(preview["access"].as_str().unwrap().contains("Origin Access Control"));
    assert_eq!(api.started(), 0, "a preview creates nothing");
}

#[tokio::test]
async fn a_bad_preview_names_each_problem() {
    let api = with_origins().await;
    let cases = [
        (json!({"origins": [APAC]}), vec!["routing"]),
        (
            json!({"origins": [], "routing": {"map": {"KR": APAC}, "defaultOriginId": APAC}}),
            vec!["origins", "routing.map.KR", "routing.defaultOriginId"],
        ),
        (
            json!({"origins": [APAC, "org-00000000000000ff"], "routing": {"map": {"KR": APAC}, "defaultOriginId": APAC}}),
            vec!["origins[1]"],
        ),
        (
            json!({"origins": [APAC, API], "routing": {"mode": "lambda-edge", "map": {"US": API}, "defaultOriginId": APAC}}),
            vec!["origins[1]"],
        ),
    ];
    for (body, fields) in cases {
        let answer = api.admin(Method::POST, "/edge-functions/preview", Some(body.clone())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}: {}", answer.body);
        assert_eq!(answer.fields(), fields, "{body}");
    }
}
