//! Bulk operations through the real workflows: an update that skips a busy distribution, a
//! template rollout whose plan is what runs, and a cancel before anything started.

use cfm_domain::claim::{Busy, Claim};
use cfm_domain::distribution::DistributionRecord;
use cfm_domain::values::ExecutionArn;
use cfm_e2e::TestStack;
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::{Value, json};

/// Each item's distribution and result, sorted.
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

async fn price_class(t: &TestStack, distribution: &str) -> String {
    let record = t.api.get(&format!("/distributions/{distribution}")).await.unwrap();
    let id = record["cloudfrontId"].as_str().unwrap();
    let config = t.aws.cloudfront().get_distribution_config().id(id).send().await.unwrap();
    config.distribution_config().unwrap().price_class().unwrap().as_str().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_update_changes_each_through_its_own_workflow_and_skips_a_busy_one() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-west-1").await;
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        let body = json!({"name": name, "originId": origin, "tags": {"bulk": "update"}});
        let (accepted, view) = t.run(Method::POST, "/distributions", Some(&body)).await;
        assert_eq!(view["status"], "SUCCEEDED", "{view}");
        ids.push(accepted["resourceId"].as_str().unwrap().to_owned());
    }
    // Another change holds the third.
    let other = ExecutionArn::of(&t.stack.resources().machines["update-distribution"], "someone-else");
    let ports = t.ports();
    let now = ports.clock.now();
    ports
        .records()
        .update::<DistributionRecord, Busy>(&ids[2], now, |r| {
            r.claim_for_update(Claim::new(&other, "update-distribution", now)).map(|_| ())
        })
        .await
        .unwrap();
    let body = json!({"selector": {"tags": {"bulk": "update"}}, "patch": {"priceClass": "PriceClass_All"}});
    let plan = t.api.send(Method::POST, "/bulk/updates?dryRun=true", Some(&body), None).await.unwrap().ok().unwrap();
    let (accepted, view) = t.run(Method::POST, "/bulk/updates", Some(&body)).await;
    assert_eq!(view["progress"], json!({"total": 3, "done": 2, "failed": 0, "skipped": 1, "running": 0}), "{view}");
    let bulk = accepted["resourceId"].as_str().unwrap();
    let items = t.api.get(&format!("/bulk/{bulk}/items")).await.unwrap();
    // What the plan would run succeeded; what it skipped was skipped.
    let planned: Vec<(String, String)> = results(&plan["items"])
        .into_iter()
        .map(|(id, r)| (id, if r == "PENDING" { "SUCCEEDED".into() } else { r }))
        .collect();
    assert_eq!(results(&items["items"]), planned, "the run did what the plan said");
    for id in &ids[..2] {
        assert_eq!(price_class(&t, id).await, "PriceClass_All");
        let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
        assert_eq!(
            (record["status"].as_str(), record["spec"]["priceClass"].as_str()),
            (Some("DEPLOYED"), Some("PriceClass_All"))
        );
    }
    assert_eq!(price_class(&t, &ids[2]).await, "PriceClass_100", "the busy one is left alone");
    let executions =
        t.api.get(&format!("/executions?workflow=update-distribution&resourceId={}", ids[0])).await.unwrap();
    assert_eq!(executions["count"], 1, "one update-distribution each: {executions}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_moves_a_templates_distributions_to_the_new_version() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-west-1").await;
    let body = json!({"name": "site", "spec": {"priceClass": "PriceClass_100", "comment": "v1"}});
    let template = t.api.send(Method::POST, "/templates", Some(&body), None).await.unwrap().ok().unwrap();
    let id = template["id"].as_str().unwrap().to_owned();
    let mut made = Vec::new();
    for (name, overrides) in
        [("one", json!({"originId": origin})), ("two", json!({"originId": origin, "comment": "mine"}))]
    {
        let apply = json!({"name": name, "overrides": overrides});
        let (accepted, view) = t.run(Method::POST, &format!("/templates/{id}/apply"), Some(&apply)).await;
        assert_eq!(view["status"], "SUCCEEDED", "{view}");
        made.push(accepted["resourceId"].as_str().unwrap().to_owned());
    }
    let v2 = json!({"spec": {"priceClass": "PriceClass_200", "comment": "v2"}});
    t.api.send(Method::PUT, &format!("/templates/{id}"), Some(&v2), None).await.unwrap().ok().unwrap();

    let rollout = format!("/templates/{id}/rollout");
    let plan = t.api.send(Method::POST, &format!("{rollout}?dryRun=true"), None, None).await.unwrap().ok().unwrap();
    let changes: Vec<Value> = plan["items"].as_array().unwrap().iter().map(|i| i["changes"].clone()).collect();
    assert!(changes.iter().all(|c| c == &json!(["comment", "priceClass"])), "{plan}");
    let (_, view) = t.run(Method::POST, &rollout, Some(&json!({"version": 2}))).await;
    assert_eq!(view["progress"]["done"], 2, "{view}");
    for id_of in &made {
        let record = t.api.get(&format!("/distributions/{id_of}")).await.unwrap();
        assert_eq!(record["template"]["version"], 2, "{record}");
        assert_eq!(record["spec"]["comment"], "v2", "the version changed the comment: the rollout sets it");
        assert_eq!(price_class(&t, id_of).await, "PriceClass_200");
    }
    let again = t.api.send(Method::POST, &format!("{rollout}?dryRun=true"), None, None).await.unwrap().ok().unwrap();
    assert_eq!(again["progress"]["skipped"], 2, "already at version 2: {again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_before_the_first_round_skips_every_item() {
    let mut t = TestStack::start(StackOptions { paused_workers: true, ..Default::default() }).await;
    let origin = cfm_domain::fixtures::bucket("org-0123456789abcdef", &cfm_e2e::unique_bucket("bulk"), "us-east-1");
    let seeded = cfm_e2e::fleet::seed(&t, &origin, 3, json!({"bulk": "cancel"})).await;
    let body = json!({"selector": {"tags": {"bulk": "cancel"}}, "paths": ["/*"]});
    let accepted = t.accept(Method::POST, "/bulk/invalidations", Some(&body)).await;
    let bulk = accepted["resourceId"].as_str().unwrap();
    let cancel = t.api.send(Method::POST, &format!("/bulk/{bulk}/cancel"), None, None).await.unwrap();
    assert_eq!((cancel.status.as_u16(), cancel.body["status"].as_str()), (202, Some("CANCELLING")), "{}", cancel.body);
    t.run_workers(t.handlers());
    let view = t.wait(accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["progress"], json!({"total": 3, "done": 0, "failed": 0, "skipped": 3, "running": 0}), "{view}");
    assert_eq!(t.api.get(&format!("/bulk/{bulk}")).await.unwrap()["status"], "CANCELLED");
    for id in &seeded {
        let record: DistributionRecord = t.ports().records().get(id.as_str()).await.unwrap().unwrap();
        let cf = record.cloudfront_id().unwrap().as_str().to_owned();
        let made = t.aws.cloudfront().list_invalidations().distribution_id(cf).send().await.unwrap();
        assert_eq!(made.invalidation_list().map_or(0, |l| l.quantity()), 0, "nothing was invalidated");
    }
    let again = t.api.send(Method::POST, &format!("/bulk/{bulk}/cancel"), None, None).await.unwrap();
    assert_eq!(again.status.as_u16(), 409, "an operation that is over cannot stop");
}
