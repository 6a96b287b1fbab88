//! `/origins`: the mutation path end to end, over fakes.

use axum::http::{Method, StatusCode};
use cfm_ports::ErrorKind;
use cfm_ports::memory::FakeBucket;
use serde_json::json;

use super::Api;

fn origin() -> serde_json::Value {
    json!({"name": "assets", "bucketName": "assets-bucket", "region": "eu-west-1"})
}

#[tokio::test]
async fn only_authenticated_admins_change_things() {
    let api = Api::new();
    let anonymous = api.anonymous(Method::GET, "/origins").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers["www-authenticate"], "Bearer");
    assert_eq!(api.reader(Method::GET, "/origins", None).await.status, StatusCode::OK);
    assert_eq!(api.reader(Method::POST, "/origins", Some(origin())).await.status, StatusCode::FORBIDDEN);
    assert_eq!(api.started(), 0);
}

#[tokio::test]
async fn a_create_is_accepted_once_however_often_it_is_retried() {
    let api = Api::new();
    let first = api.keyed(Method::POST, "/origins", "k-1", origin()).await;
    assert_eq!(first.status, StatusCode::ACCEPTED);
    let execution = first.body["executionId"].as_str().unwrap();
    assert_eq!(first.headers["location"], format!("/executions/{execution}"));
    let id = first.body["resourceId"].as_str().unwrap();
    let record = api.admin(Method::GET, &format!("/origins/{id}"), None).await.body;
    assert_eq!(
        (record["status"].as_str(), record["claim"]["workflow"].as_str()),
        (Some("CREATING"), Some("create-origin"))
    );
    assert!(record.get("version").is_none(), "bookkeeping stays inside");

    let again = api.keyed(Method::POST, "/origins", "k-1", origin()).await;
    assert_eq!((again.status, again.body["resourceId"].as_str()), (StatusCode::ACCEPTED, Some(id)));
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(api.started(), 1);

    let other = json!({"name": "other", "bucketName": "other-bucket", "region": "eu-west-1"});
    assert_eq!(api.keyed(Method::POST, "/origins", "k-1", other).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn bad_input_lists_every_problem_and_changes_nothing() {
    let api = Api::new();
    let bad = json!({"name": "", "bucketName": "No_Such", "region": "mars-1", "cors": [{"allowedOrigins": [], "allowedMethods": ["FETCH"]}]});
    let answer = api.admin(Method::POST, "/origins", Some(bad)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.fields(),
        ["name", "bucketName", "bucketName", "region", "cors[0].allowedOrigins", "cors[0].allowedMethods"]
    );
    assert_eq!(answer.body["problemCount"], 6);
    for body in ["", "[1]", "{\"name\": ", "{\"unknown\": 1}"] {
        assert_eq!(api.raw(Method::POST, "/origins", body.into()).await.status, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(api.started(), 0);
    assert!(api.memory.store.records("ORIGIN").is_empty());
}

#[tokio::test]
async fn a_bucket_someone_else_has_is_a_conflict_before_anything_is_written() {
    let api = Api::new();
    api.memory.buckets.put("assets-bucket", FakeBucket::default());
    let answer = api.admin(Method::POST, "/origins", Some(origin())).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(answer.body["message"].as_str().unwrap().contains("assets-bucket"));
    assert_eq!((api.started(), api.memory.store.records("ORIGIN").len()), (0, 0));
}

#[tokio::test]
async fn a_workflow_that_cannot_start_leaves_no_record_and_frees_the_bucket_name() {
    let api = Api::new();
    api.memory.workflows.faults.fail("start", ErrorKind::Unavailable);
    let answer = api.admin(Method::POST, "/origins", Some(origin())).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(api.memory.store.records("ORIGIN").is_empty());
    assert_eq!(api.memory.store.bucket_claim("assets-bucket"), None);
    assert_eq!(
        api.admin(Method::POST, "/origins", Some(origin())).await.status,
        StatusCode::ACCEPTED,
        "a retry can go ahead"
    );
}

#[tokio::test]
async fn a_busy_origin_is_a_conflict_and_an_id_that_cannot_be_one_is_not_found() {
    let api = Api::new();
    let created = api.admin(Method::POST, "/origins", Some(origin())).await;
    let id = created.body["resourceId"].as_str().unwrap();
    let change = api.admin(Method::PUT, &format!("/origins/{id}"), Some(json!({"name": "renamed"}))).await;
    assert_eq!(change.status, StatusCode::CONFLICT, "it is still being created");
    assert!(change.body["message"].as_str().unwrap().contains("create-origin"), "{}", change.body);
    assert_eq!(api.admin(Method::DELETE, "/origins/org-0000000000000000", None).await.status, StatusCode::NOT_FOUND);
    for path in ["/origins/not-an-id", "/origins/../etc", "/origins/not-an-id/history"] {
        assert_eq!(api.admin(Method::GET, path, None).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let empty = api.admin(Method::PUT, &format!("/origins/{id}"), Some(json!({}))).await;
    assert_eq!((empty.status, empty.fields()), (StatusCode::BAD_REQUEST, vec!["body"]));
    assert_eq!(
        api.admin(Method::DELETE, &format!("/origins/{id}?emptyBucket=yes"), None).await.fields(),
        ["emptyBucket"]
    );
    assert_eq!(api.started(), 1);
}

fn custom() -> serde_json::Value {
    json!({"type": "custom", "name": "api", "domainName": "api.example.com", "customHeaders": {"X-Key": "s3cr3t"}})
}

#[tokio::test]
async fn a_custom_origins_secret_is_kept_on_the_record_and_shown_nowhere() {
    let api = Api::new();
    let created = api.admin(Method::POST, "/origins", Some(custom())).await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.body);
    let id = created.body["resourceId"].as_str().unwrap().to_owned();
    let started = api.memory.workflows.started();
    assert_eq!(started[0].input["spec"]["type"], "custom");
    assert!(!started[0].input.to_string().contains("s3cr3t"), "the workflow input hides it");
    let stored: cfm_domain::origin::OriginRecord = api.memory.ports().records().get(&id).await.unwrap().unwrap();
    assert!(serde_json::to_string(&stored).unwrap().contains("s3cr3t"), "the record keeps it for CloudFront");
    let shown = api.admin(Method::GET, &format!("/origins/{id}"), None).await.body;
    assert_eq!(shown["customHeaders"]["X-Key"], "(hidden)");
    let listed = api.admin(Method::GET, "/origins", None).await.body;
    assert!(!listed.to_string().contains("s3cr3t"));
}

#[tokio::test]
async fn a_change_that_does_not_fit_the_origins_type_is_refused_and_changes_nothing() {
    let api = Api::new();
    let created = api.admin(Method::POST, "/origins", Some(custom())).await;
    let id = created.body["resourceId"].as_str().unwrap().to_owned();
    // The type is checked before the origin is claimed: its status does not matter here.
    let before = api.started();
    for (patch, field) in [
        (json!({"cors": null}), "cors"),
        (json!({"bucketName": "b-bucket"}), "bucketName"),
        (json!({"httpPort": 22}), "httpPort"),
        (json!({"domainName": "10.1.2.3"}), "domainName"),
    ] {
        let answer = api.admin(Method::PUT, &format!("/origins/{id}"), Some(patch.clone())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{patch}: {}", answer.body);
        assert_eq!(answer.fields(), [field], "{patch}");
    }
    let s3 = api.admin(Method::POST, "/origins", Some(origin())).await.body["resourceId"].as_str().unwrap().to_owned();
    let answer = api.admin(Method::PUT, &format!("/origins/{s3}"), Some(json!({"httpsPort": 8443}))).await;
    assert_eq!((answer.status, answer.fields()), (StatusCode::BAD_REQUEST, vec!["httpsPort"]), "{}", answer.body);
    assert_eq!(api.started(), before + 1, "only the second create started");
}

#[tokio::test]
async fn an_update_that_cannot_start_leaves_no_staged_secret() {
    use cfm_domain::origin::{OriginRecord, OriginStatus};
    use cfm_domain::record::Claimed;
    let api = Api::new();
    let created = api.admin(Method::POST, "/origins", Some(custom())).await;
    let id = created.body["resourceId"].as_str().unwrap().to_owned();
    let ports = api.memory.ports();
    let now = api.state.now();
    let created_by = |r: &mut OriginRecord| {
        let execution = r.meta.claim.held_claim().unwrap().execution.clone();
        r.finish(execution.as_str(), OriginStatus::Active).map(|_| ())
    };
    ports.records().update::<OriginRecord, _>(&id, now, created_by).await.unwrap();

    api.memory.workflows.faults.fail("start", ErrorKind::Unavailable);
    let rotate = json!({"customHeaders": {"X-Key": "n3w"}});
    let answer = api.admin(Method::PUT, &format!("/origins/{id}"), Some(rotate)).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    let record: OriginRecord = ports.records().get(&id).await.unwrap().unwrap();
    assert_eq!((record.status, record.staged_headers), (OriginStatus::Active, None));
}
