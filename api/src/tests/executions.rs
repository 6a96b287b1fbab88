//! `GET /executions` and `/executions/{id}/steps` over fakes: newest first across every state
//! machine, filtered, paged without losing or repeating one; steps from the history.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use cfm_domain::values::Timestamp;
use cfm_ports::memory::LIST_PAGE;
use cfm_ports::steps::{EntryKind, HistoryEntry};
use cfm_ports::workflows::ExecutionStatus;
use serde_json::{Value, json};

use super::Api;

/// Starts `origins` create-origin and `certificates` request-certificate executions.
async fn started(api: &Api, origins: usize, certificates: usize) -> Vec<String> {
    let mut names = Vec::new();
    for i in 0..origins {
        let body = json!({"name": format!("o{i}"), "bucketName": format!("listed-{i}"), "region": "eu-west-1"});
        names.push(
            api.admin(Method::POST, "/origins", Some(body)).await.body["executionId"].as_str().unwrap().to_owned(),
        );
    }
    for i in 0..certificates {
        let body = json!({"domainName": format!("c{i}.example.com")});
        let answer = api.admin(Method::POST, "/certificates", Some(body)).await;
        names.push(answer.body["executionId"].as_str().unwrap().to_owned());
    }
    names
}

/// Every page of `query` (`limit` each), in order.
async fn every_page(api: &Api, query: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let path = match &token {
            Some(t) => format!("/executions?{query}&nextToken={t}"),
            None => format!("/executions?{query}"),
        };
        let answer = api.admin(Method::GET, &path, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        token = answer.body["nextToken"].as_str().map(str::to_owned);
        pages.push(answer.body);
        if token.is_none() {
            return pages;
        }
    }
}

fn names(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p["executions"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn every_execution_is_listed_once_newest_first_across_machines_and_pages() {
    let api = Api::new();
    let all = started(&api, LIST_PAGE + 2, LIST_PAGE + 1).await;
    let pages = every_page(&api, "limit=2").await;
    let listed = names(&pages);
    assert_eq!(listed.len(), all.len(), "{listed:?}");
    assert_eq!(listed.iter().collect::<BTreeSet<_>>(), all.iter().collect::<BTreeSet<_>>(), "each once");
    let started: Vec<String> = pages
        .iter()
        .flat_map(|p| p["executions"].as_array().unwrap().iter().map(|e| e["startedAt"].as_str().unwrap().to_owned()))
        .collect();
    assert!(started.windows(2).all(|w| w[0] >= w[1]), "newest first: {started:?}");
    assert!(pages.iter().all(|p| p["count"].as_u64().unwrap() <= 2));
    let first = &pages[0]["executions"][0];
    assert!(first["workflow"].is_string() && first["resourceId"].is_string() && first["status"] == "RUNNING");
}

#[tokio::test]
async fn the_list_filters_by_workflow_status_and_resource() {
    let api = Api::new();
    let all = started(&api, 2, 2).await;
    let origins = names(&every_page(&api, "workflow=create-origin").await);
    assert_eq!(origins.len(), 2);
    assert!(origins.iter().all(|n| n.starts_with("create-origin.")));

    let arn = api.admin(Method::GET, &format!("/executions/{}", all[0]), None).await.body["executionArn"].clone();
    api.memory.workflows.end(&serde_json::from_value(arn).unwrap(), ExecutionStatus::Failed);
    assert_eq!(names(&every_page(&api, "status=FAILED").await), [all[0].clone()]);
    assert_eq!(names(&every_page(&api, "status=RUNNING").await).len(), 3);

    let resource = all[2].split('.').nth(1).unwrap();
    assert_eq!(names(&every_page(&api, &format!("resourceId={resource}")).await), [all[2].clone()]);
}

#[tokio::test]
async fn a_bad_list_query_names_every_field() {
    let api = Api::new();
    let answer = api.admin(Method::GET, "/executions?workflow=nope&status=DONE&limit=0&resourceId=a.b", None).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let mut fields = answer.fields();
    fields.sort_unstable();
    assert_eq!(fields, ["limit", "resourceId", "status", "workflow"]);
    let answer = api.admin(Method::GET, "/executions?nextToken=garbage", None).await;
    assert_eq!(answer.fields(), ["nextToken"]);
    assert_eq!(api.reader(Method::GET, "/executions", None).await.status, StatusCode::OK, "readers may list");
    assert_eq!(api.anonymous(Method::GET, "/executions").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn steps_come_from_the_history_in_order() {
    let api = Api::new();
    let name = started(&api, 1, 0).await.remove(0);
    let arn = api.admin(Method::GET, &format!("/executions/{name}"), None).await.body["executionArn"].clone();
    let at = |s: i64| Timestamp::at(chrono::DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap());
    let entry = |id, s, kind| HistoryEntry { id, at: at(s), kind };
    let entered = |state: &str| EntryKind::Entered { state: state.into(), state_type: "Task".into(), input: None };
    let exited = |state: &str| EntryKind::Exited { state: state.into(), output: None };
    api.memory.workflows.set_history(
        &serde_json::from_value(arn).unwrap(),
        vec![
            entry(1, 0, entered("ValidateOrigin")),
            entry(2, 0, EntryKind::Attempt),
            entry(3, 1, exited("ValidateOrigin")),
            entry(4, 1, entered("CreateBucket")),
            entry(5, 1, EntryKind::Attempt),
        ],
    );
    let answer = api.admin(Method::GET, &format!("/executions/{name}/steps"), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let steps = answer.body["steps"].as_array().unwrap();
    let seen: Vec<_> = steps.iter().map(|s| (s["name"].as_str().unwrap(), s["outcome"].as_str().unwrap())).collect();
    assert_eq!(seen, [("ValidateOrigin", "succeeded"), ("CreateBucket", "running")]);
    assert_eq!(steps[0]["durationMs"], 1000);
    let missing = api.admin(Method::GET, "/executions/create-origin.org-1.x/steps", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn workflow_definitions_are_served_for_the_console() {
    let api = Api::new();
    let answer = api.reader(Method::GET, "/workflows/create-origin", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["definition"]["StartAt"], "ValidateOrigin");
    assert_eq!(api.admin(Method::GET, "/workflows/nope", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.anonymous(Method::GET, "/workflows/create-origin").await.status, StatusCode::UNAUTHORIZED);
    let page = api.anonymous(Method::GET, "/console").await;
    assert_eq!(
        (page.status, page.headers["content-type"].to_str().unwrap()),
        (StatusCode::OK, "text/html; charset=utf-8")
    );
}
