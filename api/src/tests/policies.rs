//! `/cache-policies` and `/origin-request-policies`: one set of handlers, each route its kind.

use axum::http::{Method, StatusCode};
use cfm_domain::fixtures;
use cfm_domain::record::Record;
use serde_json::json;

use super::Api;

#[tokio::test]
async fn a_policy_is_created_once_per_key_and_read_under_its_kind_only() {
    let api = Api::new();
    let body = json!({"name": "api-cache", "maxTtl": 600});
    let first = api.keyed(Method::POST, "/cache-policies", "k-1", body.clone()).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.body);
    let id = first.body["resourceId"].as_str().unwrap();
    assert!(id.starts_with("cp-"), "{id}");
    assert_eq!(api.keyed(Method::POST, "/cache-policies", "k-1", body).await.headers["idempotent-replayed"], "true");
    assert_eq!(api.started(), 1);
    let record = api.reader(Method::GET, &format!("/cache-policies/{id}"), None).await;
    assert_eq!((record.body["kind"].as_str(), record.body["status"].as_str()), (Some("cache"), Some("CREATING")));
    assert_eq!(record.body["maxTtl"], 600);
    let wrong = api.reader(Method::GET, &format!("/origin-request-policies/{id}"), None).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "a cache policy is not an origin-request policy");
    let history = api.reader(Method::GET, &format!("/origin-request-policies/{id}/history"), None).await;
    assert_eq!(history.status, StatusCode::NOT_FOUND, "nor is its history");
    let list = api.reader(Method::GET, "/cache-policies", None).await.body;
    assert_eq!(list["cachePolicies"].as_array().unwrap().len(), 1);
    let other = api.reader(Method::GET, "/origin-request-policies", None).await.body;
    assert_eq!(other["originRequestPolicies"].as_array().unwrap().len(), 0);
    // Pages of one: the newest policy is of the other kind, and the page reads past it.
    let origin = api.keyed(Method::POST, "/origin-request-policies", "k-2", json!({"name": "o"})).await;
    assert_eq!(origin.status, StatusCode::ACCEPTED);
    let page = api.reader(Method::GET, "/cache-policies?limit=1", None).await.body;
    assert_eq!(page["cachePolicies"][0]["id"].as_str(), Some(id), "{page}");
}

#[tokio::test]
async fn bad_policies_list_every_problem_and_start_nothing() {
    let api = Api::new();
    let cases = [
        ("/cache-policies", json!({"minTtl": 900, "maxTtl": 60}), vec!["name", "minTtl", "defaultTtl"]),
        ("/cache-policies", json!({"name": "c", "cookies": {"behavior": "allViewer"}}), vec!["cookies.behavior"]),
        (
            "/cache-policies",
            json!({"name": "c", "queryStrings": {"behavior": "whitelist"}}),
            vec!["queryStrings.names"],
        ),
        ("/cache-policies", json!({"name": "c d", "unknown": 1}), vec!["unknown"]),
        ("/origin-request-policies", json!({"name": "o", "defaultTtl": 5}), vec!["defaultTtl"]),
        (
            "/origin-request-policies",
            json!({"name": "o", "headers": {"behavior": "none", "names": ["x"]}}),
            vec!["headers.names"],
        ),
    ];
    for (path, body, fields) in cases {
        let answer = api.admin(Method::POST, path, Some(body.clone())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}: {}", answer.body);
        assert_eq!(answer.fields(), fields, "{body}");
    }
    assert_eq!(api.started(), 0);
}

#[tokio::test]
async fn a_name_is_taken_once_and_a_policy_in_use_cannot_be_deleted() {
    let api = Api::new();
    let ports = api.memory.ports();
    let mut used = fixtures::policy("orp-00000000000000a1", "ORP1", json!({"name": "country"}));
    used.distributions.push(cfm_domain::values::DistributionId::generate(None));
    assert!(matches!(ports.records().create(&used).await, Ok(Ok(true))));
    let taken = api.admin(Method::POST, "/origin-request-policies", Some(json!({"name": "country"}))).await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    let path = format!("/origin-request-policies/{}", used.id);
    let delete = api.admin(Method::DELETE, &path, None).await;
    assert_eq!(delete.status, StatusCode::CONFLICT, "{}", delete.body);
    assert!(delete.body.to_string().contains("in use"), "{}", delete.body);
    let doc = ports.store.get(<cfm_domain::policy::PolicyRecord as Record>::KIND, used.id.as_str()).await.unwrap();
    assert_eq!(doc.unwrap()["status"], "ACTIVE", "nothing changed");
    let update =
        api.admin(Method::PUT, &path, Some(json!({"name": "country", "headers": {"behavior": "allViewer"}}))).await;
    assert_eq!(update.status, StatusCode::ACCEPTED, "{}", update.body);
    assert_eq!(api.started(), 1);
}

#[tokio::test]
async fn a_distribution_names_policies_that_exist_and_never_sends_host_to_s3() {
    let api = Api::new();
    let ports = api.memory.ports();
    let origin = fixtures::bucket("org-00000000000000b2", "b-bucket", "eu-west-1");
    let host =
        fixtures::policy("orp-00000000000000c3", "ORP1", json!({"name": "host", "headers": {"behavior": "allViewer"}}));
    assert!(matches!(ports.records().create(&origin).await, Ok(Ok(true))));
    assert!(matches!(ports.records().create(&host).await, Ok(Ok(true))));
    let body = json!({"name": "d", "originId": origin.id, "cachePolicy": "cp-00000000000000ff",
        "behaviors": [{"pathPattern": "/x/*", "originId": origin.id, "originRequestPolicy": host.id}]});
    let answer = api.admin(Method::POST, "/distributions", Some(body)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert_eq!(answer.fields(), ["cachePolicy", "behaviors[0].originRequestPolicy"]);
    assert_eq!(api.started(), 0);
}

#[tokio::test]
async fn cfms_own_routing_policy_is_not_the_users_to_change() {
    let api = Api::new();
    let id = cfm_domain::edge::viewer_country_policy_id();
    let own = fixtures::policy(id.as_str(), "ORP9", json!({"name": "cfm-viewer-country"}));
    assert!(matches!(api.memory.ports().records().create(&own).await, Ok(Ok(true))));
    let path = format!("/origin-request-policies/{id}");
    let update = api.admin(Method::PUT, &path, Some(json!({"name": "cfm-viewer-country"}))).await;
    assert_eq!(update.status, StatusCode::CONFLICT, "{}", update.body);
    assert_eq!(api.admin(Method::DELETE, &path, None).await.status, StatusCode::CONFLICT);
    assert_eq!(api.started(), 0);
    // No idempotency key makes a user's policy take its id.
    let keyed =
        api.keyed(Method::POST, "/origin-request-policies", "cfm-viewer-country", json!({"name": "mine"})).await;
    assert_ne!(keyed.body["resourceId"].as_str(), Some(id.as_str()));
}
