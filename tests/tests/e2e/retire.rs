//! `retire-edge-function` on the local cloud: a deleted routed distribution's function goes
//! only once CloudFront lets go of it, each refused attempt in its history. Once nothing is
//! associated the local cloud never refuses a deletion, so the workers' CloudFront client
//! refuses the first three with `FunctionInUse` (injected: each DELETE is sent as a read, so
//! the function really stays, and its answer is replaced), as AWS does while Lambda@Edge
//! replicas linger.

use std::sync::atomic::Ordering;

use cfm_e2e::TestStack;
use cfm_e2e::faults::FailOperation;
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::json;

use crate::delivery::deliver_twice;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_distributions_function_is_retired_once_no_longer_in_use() {
    let refusal = FailOperation::cloudfront_refusing("DeleteFunction", 409, "FunctionInUse", 3);
    let refused = refusal.counter();
    let t = TestStack::start(StackOptions { worker_interceptors: vec![refusal.shared()], ..Default::default() }).await;
    let (asia, europe) = (t.origin("ap-northeast-1").await, t.origin("eu-central-1").await);
    let spec = json!({"name": "retired", "origins": [asia, europe], "defaultOriginId": europe,
        "routing": {"map": {"continent:AS": asia}, "defaultOriginId": europe}});
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let function_id = t.api.get(&format!("/distributions/{id}")).await.unwrap()["edgeFunction"]["id"].clone();
    let path = format!("/edge-functions/{}", function_id.as_str().unwrap());
    let name = t.api.get(&path).await.unwrap()["name"].as_str().unwrap().to_owned();

    let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "the delete does not wait for the function: {view}");
    let deferred = t.events_of(&path, "EdgeFunctionRetireDeferred", 3).await.unwrap();
    let attempts: Vec<_> = deferred.iter().map(|e| e["data"]["attempt"].as_u64().unwrap()).collect();
    assert_eq!(attempts, [3, 2, 1], "every attempt is in the history (newest first)");
    let waits: Vec<_> = deferred.iter().map(|e| e["data"]["nextAttemptInSeconds"].as_u64().unwrap()).collect();
    assert_eq!(waits, [8, 4, 2], "backing off");
    t.events_of(&path, "EdgeFunctionRetired", 1).await.unwrap();
    let function = t.api.get(&path).await.unwrap();
    assert_eq!((function["status"].as_str(), function["retireAttempts"].as_u64()), (Some("RETIRED"), Some(3)));
    assert_eq!(t.ports().cdn.live_function(&name).await.unwrap(), None, "deleted from CloudFront");
    assert_eq!(refused.load(Ordering::SeqCst), 3, "every refusal was injected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_routing_task_delivered_twice_publishes_one_function_and_retires_it_once() {
    routing_delivered_twice("cloudfront-function").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lambda_edge_task_delivered_twice_publishes_one_version_and_one_identity() {
    routing_delivered_twice("lambda-edge").await;
}

/// The identities CloudFront has whose comment names distribution `id`.
async fn identities_of(t: &TestStack, id: &str) -> usize {
    let listed = t.aws.cloudfront().list_cloud_front_origin_access_identities().max_items(1000).send().await.unwrap();
    let list = listed.cloud_front_origin_access_identity_list().unwrap();
    list.items().iter().filter(|i| i.comment().contains(id)).count()
}

/// Creates, remaps and deletes a distribution routed in `mode`, every task delivered twice, and
/// its retirements too: one function per routing (one version each for Lambda@Edge), each
/// event once, and nothing left.
async fn routing_delivered_twice(mode: &str) {
    let t = TestStack::start(StackOptions { paused_workers: true, ..Default::default() }).await;
    let mut origins = Vec::new();
    for region in ["ap-south-1", "sa-east-1"] {
        let spec = json!({"name": region, "bucketName": cfm_e2e::unique_bucket("twice-r"), "region": region});
        let accepted = t.accept(Method::POST, "/origins", Some(&spec)).await;
        deliver_twice(&t, "Origins", accepted["executionId"].as_str().unwrap()).await;
        origins.push(accepted["resourceId"].as_str().unwrap().to_owned());
    }
    let (asia, americas) = (&origins[0], &origins[1]);
    let spec = json!({"name": "twice", "origins": origins, "defaultOriginId": americas,
        "routing": {"mode": mode, "map": {"continent:AS": asia}, "defaultOriginId": americas}});
    let accepted = t.accept(Method::POST, "/distributions", Some(&spec)).await;
    deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await;
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let lambda = t.aws.lambda();
    if mode == "lambda-edge" {
        assert_eq!(identities_of(&t, &id).await, 1, "one identity");
        let first = t.api.get(&format!("/distributions/{id}")).await.unwrap()["edgeFunction"]["id"].clone();
        let name = t.api.get(&format!("/edge-functions/{}", first.as_str().unwrap())).await.unwrap()["name"].clone();
        let versions = lambda.list_versions_by_function().function_name(name.as_str().unwrap()).send().await.unwrap();
        let numbered = versions.versions().iter().filter(|v| v.version() != Some("$LATEST")).count();
        assert_eq!(numbered, 1, "one version");
    }
    let remap = json!({"routing": {"mode": mode, "map": {"continent:EU": asia}, "defaultOriginId": americas}});
    let accepted = t.accept(Method::PUT, &format!("/distributions/{id}"), Some(&remap)).await;
    deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await;
    let accepted = t.accept(Method::DELETE, &format!("/distributions/{id}"), None).await;
    deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await;

    // One retirement per function (the change's and the delete's), each delivered twice too.
    let machine = &t.stack.resources().machines["retire-edge-function"];
    let listed = t.aws.sfn().list_executions().state_machine_arn(machine).send().await.unwrap();
    let retirements: Vec<_> = listed.executions().iter().map(|e| e.name().to_owned()).collect();
    assert_eq!(retirements.len(), 2, "{retirements:?}");
    for retirement in &retirements {
        deliver_twice(&t, "Distributions", retirement).await;
    }
    let functions = t.api.get(&format!("/edge-functions?distributionId={id}")).await.unwrap();
    let functions = functions["edgeFunctions"].as_array().unwrap().clone();
    assert_eq!(functions.len(), 2, "one function per routing: {functions:?}");
    for function in functions {
        assert_eq!(function["status"], "RETIRED", "{function}");
        let path = format!("/edge-functions/{}", function["id"].as_str().unwrap());
        let history = t.history_of(&path, 3).await.unwrap();
        let types: Vec<_> = history.iter().map(|e| e["detailType"].as_str().unwrap()).collect();
        assert_eq!(types, ["EdgeFunctionRetired", "EdgeFunctionAssociated", "EdgeFunctionPublished"], "each once");
        let name = function["name"].as_str().unwrap();
        match mode {
            "lambda-edge" => assert!(lambda.get_function().function_name(name).send().await.is_err(), "deleted"),
            _ => assert_eq!(t.ports().cdn.live_function(name).await.unwrap(), None),
        }
    }
    assert_eq!(identities_of(&t, &id).await, 0, "no identity is left");
}
