//! `/distributions` and `/templates/{id}/apply`: preflight against other resources.

use axum::http::{Method, StatusCode};
use cfm_domain::claim::Claim;
use cfm_domain::origin::{OriginRecord, OriginRequest, OriginStatus};
use cfm_domain::record::Claimed;
use cfm_domain::values::{Checked, ExecutionArn, OacId, OriginId};
use cfm_ports::Clock;
use serde_json::{Value, json};

use super::Api;

/// An active origin in the fake table.
pub(super) async fn active_origin(api: &Api) -> OriginId {
    let id = OriginId::generate(None);
    let spec = OriginRequest {
        name: Some("o".into()),
        bucket_name: Some("o-bucket".into()),
        region: Some("eu-west-1".into()),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let execution = ExecutionArn::of("arn:aws:states:us-east-1:123456789012:stateMachine:cfm-create-origin", "made");
    let now = api.memory.clock.now();
    let mut record =
        OriginRecord::creating(id.clone(), &spec, Claim::new(&execution, "create-origin", now), "alice", now);
    record.finish(execution.as_str(), OriginStatus::Active).unwrap();
    record.oac_id = Some(OacId::parse("E2OAC").unwrap());
    assert!(matches!(api.memory.ports().records().create(&record).await, Ok(Ok(true))));
    id
}

fn spec(origin: &OriginId) -> Value {
    json!({"name": "site", "originId": origin})
}

#[tokio::test]
async fn a_create_names_the_origin_and_certificate_it_cannot_use() {
    let api = Api::new();
    let missing = api.admin(Method::POST, "/distributions", Some(spec(&OriginId::generate(None)))).await;
    assert_eq!((missing.status, missing.fields()), (StatusCode::BAD_REQUEST, vec!["originId"]));

    let origin = active_origin(&api).await;
    let foreign = json!({"name": "s", "originId": origin, "aliases": ["cdn.example.com"],
        "certificateArn": "arn:aws:acm:us-east-1:999999999999:certificate/x"});
    let answer = api.admin(Method::POST, "/distributions", Some(foreign)).await;
    assert_eq!((answer.status, answer.fields()), (StatusCode::BAD_REQUEST, vec!["certificateArn"]));
    assert!(answer.body["problems"][0]["message"].as_str().unwrap().contains("999999999999"));
    assert_eq!(api.started(), 0);

    let accepted = api.admin(Method::POST, "/distributions", Some(spec(&origin))).await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED);
    let id = accepted.body["resourceId"].as_str().unwrap();
    let busy = api.admin(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(busy.status, StatusCode::CONFLICT, "it is still being created");
    let nothing =
        api.admin(Method::POST, &format!("/distributions/{id}/invalidate"), Some(json!({"paths": ["/a"]}))).await;
    assert_eq!(nothing.status, StatusCode::CONFLICT, "CloudFront has nothing to invalidate yet");
}

#[tokio::test]
async fn every_problem_of_a_create_is_listed_at_once() {
    let api = Api::new();
    let bad = json!({"priceClass": "Cheap", "aliases": ["Not A Host"], "customErrorResponses": [{"errorCode": 200}]});
    let answer = api.admin(Method::POST, "/distributions", Some(bad)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let fields = answer.fields();
    for field in ["name", "originId", "priceClass", "aliases[0]"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
}

#[tokio::test]
async fn hostile_input_is_refused_fast_and_bounded() {
    let api = Api::new();
    let origin = active_origin(&api).await;
    let paths: Vec<String> = (0..150_000).map(|i| format!("/p{i}")).collect();
    let huge = json!({"paths": paths}).to_string();
    let id = "dist-0123456789abcdef";
    let too_large = api.raw(Method::POST, &format!("/distributions/{id}/invalidate"), huge).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);

    let many: Vec<String> = (0..5_000).map(|i| format!("/p{}", i % 10)).collect();
    let answer =
        api.admin(Method::POST, &format!("/distributions/{id}/invalidate"), Some(json!({"paths": many}))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body["problems"].as_array().unwrap().len() <= 50);

    let aliases: Vec<String> = (0..10_000).map(|i| format!("Bad{i}")).collect();
    let answer = api
        .admin(Method::POST, "/distributions", Some(json!({"name": "x", "originId": origin, "aliases": aliases})))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body["problems"].as_array().unwrap().len() <= 50);
    assert_eq!(api.started(), 0);
}

#[tokio::test]
async fn a_template_apply_is_checked_as_the_distribution_it_would_make() {
    let api = Api::new();
    let origin = active_origin(&api).await;
    let created =
        api.keyed(Method::POST, "/templates", "t-1", json!({"name": "web", "spec": {"originId": origin}})).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.headers["location"], format!("/templates/{id}"));
    let again =
        api.keyed(Method::POST, "/templates", "t-1", json!({"name": "web", "spec": {"originId": origin}})).await;
    assert_eq!((again.status, again.body["id"].as_str()), (StatusCode::OK, Some(id.as_str())));

    let path = format!("/templates/{id}/apply");
    let apply = |body: Value| api.admin(Method::POST, &path, Some(body));
    assert_eq!(apply(json!({})).await.fields(), ["name"]);
    assert_eq!(apply(json!({"name": "n", "version": 9})).await.fields(), ["version"]);
    let bad_override = apply(json!({"name": "n", "overrides": {"priceClass": "Cheap"}})).await;
    assert_eq!(bad_override.fields(), ["priceClass"]);
    assert_eq!(api.started(), 0);
    assert_eq!(apply(json!({"name": "n"})).await.status, StatusCode::ACCEPTED);
    assert_eq!(api.memory.events.detail_types(), ["TemplateCreated"]);
}

#[tokio::test]
async fn a_bad_metrics_window_names_its_fields_before_anything_is_read() {
    let api = Api::new();
    let answer = api.reader(Method::GET, "/distributions/dist-0000000000000001/metrics?period=90&to=soon", None).await;
    assert_eq!((answer.status, answer.fields()), (StatusCode::BAD_REQUEST, vec!["period", "to"]));
    let missing = api.reader(Method::GET, "/distributions/dist-0000000000000001/metrics", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn replicating_a_distribution_without_routing_is_refused_and_starts_nothing() {
    let api = Api::new();
    let origin = active_origin(&api).await;
    let accepted = api.admin(Method::POST, "/distributions", Some(spec(&origin))).await;
    let id = accepted.body["resourceId"].as_str().unwrap();
    let started = api.started();
    let answer = api.admin(Method::POST, &format!("/distributions/{id}/replicate-edge-function"), None).await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{:?}", answer.body);
    assert!(answer.body["message"].as_str().unwrap().contains("no routing"), "{:?}", answer.body);
    assert_eq!(api.started(), started, "nothing started");
    let missing = api.admin(Method::POST, "/distributions/dist-0000000000000000/replicate-edge-function", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
