//! Bad distribution specs and invalidation paths: each a 4xx naming its field, nothing started.

use cfm_e2e::{TestStack, problem_fields};
use reqwest::Method;
use serde_json::{Value, json};

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";

fn with(origin: &str, field: &str, value: Value) -> Value {
    let mut spec = json!({"name": "n", "originId": origin});
    spec[field] = value;
    spec
}

pub(crate) async fn expect_400(t: &TestStack, method: Method, path: &str, body: &Value, field: &str) {
    let answer = t.api.send(method, path, Some(body), None).await.unwrap();
    assert_eq!(answer.status.as_u16(), 400, "{path} {body} → {}", answer.body);
    let fields = problem_fields(&answer.body).unwrap();
    assert!(fields.iter().any(|f| f == field), "{body}: expected {field} in {fields:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_specs_and_paths_are_rejected_with_their_fields() {
    let t = TestStack::default().await;
    let origin = t.origin("us-east-1").await;
    let o = origin.as_str();
    let before = t.execution_count().await;
    let error = |v: Value| json!([v]);
    let specs: Vec<(Value, &str)> = vec![
        (json!({"originId": o}), "name"),
        (json!({"name": "n"}), "originId"),
        (with(o, "name", json!("  ")), "name"),
        (with(o, "originId", json!("bucket-name")), "originId"),
        (with(o, "cachePolicy", json!("SuperFast")), "cachePolicy"),
        (with(o, "viewerProtocolPolicy", json!("http-only")), "viewerProtocolPolicy"),
        (with(o, "allowedMethods", json!("GET")), "allowedMethods"),
        (with(o, "httpVersion", json!("http4")), "httpVersion"),
        (with(o, "priceClass", json!("PriceClass_50")), "priceClass"),
        (with(o, "aliases", json!(["cdn.example.com"])), "aliases"),
        (json!({"name": "n", "originId": o, "aliases": ["Not A Host"], "certificateArn": CERT}), "aliases[0]"),
        (
            json!({"name": "n", "originId": o, "aliases": ["a.example.com", "a.example.com"], "certificateArn": CERT}),
            "aliases[1]",
        ),
        (with(o, "certificateArn", json!("arn:aws:acm:eu-west-1:123456789012:certificate/x")), "certificateArn"),
        (with(o, "certificateArn", json!("not-an-arn")), "certificateArn"),
        (with(o, "minimumProtocolVersion", json!("TLSv1.2_2021")), "minimumProtocolVersion"),
        (
            json!({"name": "n", "originId": o, "certificateArn": CERT, "minimumProtocolVersion": "TLSv9"}),
            "minimumProtocolVersion",
        ),
        (with(o, "defaultRootObject", json!("/index.html")), "defaultRootObject"),
        (with(o, "alarms", json!({"errorRate5xxPercent": 0})), "alarms.errorRate5xxPercent"),
        (with(o, "alarms", json!({"errorRate5xxPercent": 100.5})), "alarms.errorRate5xxPercent"),
        (with(o, "alarms", json!({})), "alarms.errorRate5xxPercent"),
        (with(o, "customErrorResponses", error(json!({"errorCode": 200}))), "customErrorResponses[0].errorCode"),
        (
            with(
                o,
                "customErrorResponses",
                error(json!({"errorCode": 404, "responsePagePath": "index.html", "responseCode": 200})),
            ),
            "customErrorResponses[0].responsePagePath",
        ),
        (
            with(o, "customErrorResponses", error(json!({"errorCode": 404, "responsePagePath": "/x"}))),
            "customErrorResponses[0].responseCode",
        ),
        (with(o, "logging", json!({"bucket": "logs"})), "logging.bucket"),
        (with(o, "comment", json!("x".repeat(129))), "comment"),
        (with(o, "tags", json!({"aws:reserved": "x"})), "tags.aws:reserved"),
        (with(o, "enabled", json!("yes")), "enabled"),
        (with(o, "colour", json!("blue")), "colour"),
        (with("org-0000000000000000", "name", json!("n")), "originId"),
    ];
    assert!(specs.len() >= 20);
    for (spec, field) in &specs {
        expect_400(&t, Method::POST, "/distributions", spec, field).await;
    }

    // a real distribution to aim updates and invalidations at
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&json!({"name": "ok", "originId": o}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let before = before + 1;

    for (patch, field) in [
        (json!({}), "body"),
        (json!({"originId": "org-1111111111111111"}), "originId"),
        (json!({"priceClass": "cheap"}), "priceClass"),
        (json!({"aliases": ["cdn.example.com"]}), "aliases"),
    ] {
        expect_400(&t, Method::PUT, &format!("/distributions/{id}"), &patch, field).await;
    }
    let path = format!("/distributions/{id}/invalidate");
    for (body, field) in [
        (json!({"paths": []}), "paths"),
        (json!({"paths": ["index.html"]}), "paths[0]"),
        (json!({"paths": ["/a*b"]}), "paths[0]"),
        (json!({"paths": ["/a", "/a"]}), "paths[1]"),
        (json!({"paths": ["/has space"]}), "paths[0]"),
        (json!({"paths": (0..16).map(|i| format!("/w{i}/*")).collect::<Vec<_>>()}), "paths"),
        (json!({"paths": (0..3001).map(|i| format!("/f{i}")).collect::<Vec<_>>()}), "paths"),
        (json!({"path": ["/a"]}), "path"),
    ] {
        expect_400(&t, Method::POST, &path, &body, field).await;
    }
    let answer = t.api.send(Method::GET, "/distributions?status=GONE", None, None).await.unwrap();
    assert_eq!((answer.status.as_u16(), problem_fields(&answer.body).unwrap()), (400, vec!["status".to_owned()]));
    for missing in ["/distributions/dist-missing", "/distributions/dist-missing/status"] {
        assert_eq!(t.api.send(Method::GET, missing, None, None).await.unwrap().status.as_u16(), 404);
    }
    let answer = t
        .api
        .send(Method::POST, "/distributions/dist-missing/invalidate", Some(&json!({"paths": ["/a"]})), None)
        .await
        .unwrap();
    assert_eq!(answer.status.as_u16(), 404);

    assert_eq!(t.execution_count().await, before, "no execution started");
    assert_eq!(t.api.get("/distributions").await.unwrap()["count"], 1);
}
