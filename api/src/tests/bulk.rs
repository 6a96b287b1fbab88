//! Bulk operations: bad input starts nothing, a dry run answers the plan the run then stores,
//! cancel and retry.

use axum::http::{Method, StatusCode};
use cfm_domain::claim::{Busy, Claim};
use cfm_domain::distribution::{DistributionRecord, DistributionStatus};
use cfm_domain::values::ExecutionArn;
use cfm_ports::Clock;
use serde_json::{Value, json};

use super::Api;
use super::distributions::active_origin;

/// `n` deployed distributions tagged team=web, made through the API.
async fn deployed(api: &Api, n: usize) -> Vec<String> {
    let origin = active_origin(api).await;
    let mut ids = Vec::new();
    for i in 0..n {
        let body = json!({"name": format!("d{i}"), "originId": origin, "tags": {"team": "web"}});
        let accepted = api.admin(Method::POST, "/distributions", Some(body)).await;
        let id = accepted.body["resourceId"].as_str().unwrap().to_owned();
        let execution = accepted.body["executionArn"].as_str().unwrap().to_owned();
        let now = api.memory.clock.now();
        api.memory
            .ports()
            .records()
            .update::<DistributionRecord, Busy>(&id, now, |r| {
                r.meta.claim.release(&execution);
                r.status = DistributionStatus::Deployed;
                Ok(())
            })
            .await
            .unwrap();
        ids.push(id);
    }
    ids
}

fn results(items: &Value) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["distributionId"].as_str().unwrap().to_owned(), i["result"].as_str().unwrap().to_owned()))
        .collect();
    list.sort();
    list
}

#[tokio::test]
async fn bad_input_is_every_problem_named_and_starts_nothing() {
    let api = Api::new();
    deployed(&api, 1).await;
    let empty = api.admin(Method::POST, "/bulk/invalidations", Some(json!({}))).await;
    assert_eq!((empty.status, empty.fields()), (StatusCode::BAD_REQUEST, vec!["selector", "paths"]));
    let ids: Vec<String> = (0..1001).map(|i| format!("dist-{i:016x}")).collect();
    let many = json!({"selector": {"distributionIds": ids}, "paths": ["/a"]});
    let too_many = api.admin(Method::POST, "/bulk/invalidations", Some(many)).await;
    assert_eq!((too_many.status, too_many.fields()), (StatusCode::BAD_REQUEST, vec!["selector.distributionIds"]));
    let unknown = json!({"selector": {"distributionIds": ["dist-0000000000000000"]}, "paths": ["/a"]});
    let missing = api.admin(Method::POST, "/bulk/invalidations", Some(unknown)).await;
    assert_eq!((missing.status, missing.fields()), (StatusCode::BAD_REQUEST, vec!["selector.distributionIds"]));
    let nobody = json!({"selector": {"tags": {"team": "nobody"}}, "paths": ["/a"]});
    let none = api.admin(Method::POST, "/bulk/invalidations", Some(nobody)).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", none.body);
    let bad_patch = json!({"selector": {"status": "DEPLOYED"}, "patch": {"priceClass": "Cheap"}});
    let dry = api.admin(Method::POST, "/bulk/updates?dryRun=true", Some(bad_patch)).await;
    assert_eq!((dry.status, dry.fields()), (StatusCode::BAD_REQUEST, vec!["patch.priceClass"]));
    let maybe = api.admin(Method::POST, "/bulk/updates?dryRun=maybe", Some(json!({}))).await;
    assert_eq!((maybe.status, maybe.fields()), (StatusCode::BAD_REQUEST, vec!["dryRun"]));
    let template = api.admin(Method::POST, "/templates/tmpl-0000000000000000/rollout", None).await;
    assert_eq!(template.status, StatusCode::NOT_FOUND);
    let reader = api.reader(Method::POST, "/bulk/invalidations", Some(json!({}))).await;
    assert_eq!(reader.status, StatusCode::FORBIDDEN);
    assert_eq!(api.started(), 1, "only the distribution's own create ran");
}

#[tokio::test]
async fn the_run_stores_the_plan_the_dry_run_answered() {
    let api = Api::new();
    let ids = deployed(&api, 3).await;
    // The third is busy: the plan skips it.
    let busy = ExecutionArn::of("arn:aws:states:us-east-1:123456789012:stateMachine:cfm-update-distribution", "other");
    let now = api.memory.clock.now();
    api.memory
        .ports()
        .records()
        .update::<DistributionRecord, Busy>(&ids[2], now, |r| {
            r.claim_for_update(Claim::new(&busy, "update-distribution", now)).map(|_| ())
        })
        .await
        .unwrap();
    let body = json!({"selector": {"tags": {"team": "web"}}, "patch": {"priceClass": "PriceClass_All"}});
    let before = api.started();
    let plan = api.admin(Method::POST, "/bulk/updates?dryRun=true", Some(body.clone())).await;
    assert_eq!(plan.status, StatusCode::OK, "{:?}", plan.body);
    assert_eq!(api.started(), before, "a dry run starts nothing");
    assert_eq!(plan.body["progress"], json!({"total": 3, "done": 0, "failed": 0, "skipped": 1, "running": 0}));
    let planned = &plan.body["items"];
    assert!(
        planned.as_array().unwrap().iter().all(|i| i["result"] == "SKIPPED" || i["changes"] == json!(["priceClass"]))
    );

    let started = api.keyed(Method::POST, "/bulk/updates", "bulk-1", body.clone()).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    assert_eq!(api.started(), before + 1, "one execution for the whole operation");
    let replay = api.keyed(Method::POST, "/bulk/updates", "bulk-1", body).await;
    assert_eq!((replay.status, api.started()), (StatusCode::ACCEPTED, before + 1));
    let bulk = started.body["resourceId"].as_str().unwrap();
    let started_all = api.memory.workflows.started();
    let input = &started_all.iter().find(|e| e.name.starts_with("bulk-operation.")).unwrap().input;
    assert_eq!(input["bulkId"], bulk, "the input names the operation, not its items");
    assert!(input.get("items").is_none());
    let items = api.admin(Method::GET, &format!("/bulk/{bulk}/items"), None).await;
    assert_eq!(results(&items.body["items"]), results(planned), "the run holds what the plan said");
    let execution =
        api.admin(Method::GET, &format!("/executions/{}", started.body["executionId"].as_str().unwrap()), None).await;
    assert_eq!(execution.body["progress"]["total"], 3, "{:?}", execution.body);
    assert_eq!(execution.body["progress"]["skipped"], 1);

    let retry = api.admin(Method::POST, &format!("/bulk/{bulk}/retry"), None).await;
    assert_eq!(retry.status, StatusCode::CONFLICT, "not while it runs");
    let cancel = api.admin(Method::POST, &format!("/bulk/{bulk}/cancel"), None).await;
    assert_eq!((cancel.status, cancel.body["status"].as_str()), (StatusCode::ACCEPTED, Some("CANCELLING")));
    let shown = api.admin(Method::GET, &format!("/bulk/{bulk}"), None).await;
    assert_eq!(shown.body["cancelRequested"], true);
    let listed = api.admin(Method::GET, "/bulk", None).await;
    assert_eq!(listed.body["operations"][0]["id"], bulk);
}
