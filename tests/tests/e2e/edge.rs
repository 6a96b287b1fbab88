//! Edge routing on the local cloud: the preview of the generated function over real origins
//! creates nothing, and bad routings are refused with their fields.

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::{Value, json};

use crate::distribution_input::expect_400;
use crate::multi_origin::custom_origin;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_over_real_origins_shows_the_table_and_creates_nothing() {
    let t = TestStack::default().await;
    let (seoul, virginia, ireland) =
        (t.origin("ap-northeast-2").await, t.origin("us-east-1").await, t.origin("eu-west-1").await);
    let before = t.execution_count().await;
    for mode in ["cloudfront-function", "lambda-edge"] {
        let body = json!({"origins": [seoul, virginia, ireland], "routing": {"mode": mode, "preset": "global-3",
            "regions": {"apac": seoul, "americas": virginia, "europe": ireland}, "defaultOriginId": virginia}});
        let preview = t.api.send(Method::POST, "/edge-functions/preview", Some(&body), None).await.unwrap();
        assert_eq!(preview.status.as_u16(), 200, "{}", preview.body);
        let preview = preview.body;
        for (country, origin) in [("KR", &seoul), ("US", &virginia), ("DE", &ireland)] {
            assert_eq!(preview["table"][country].as_str(), Some(origin.as_str()), "{mode} {country}");
        }
        assert_eq!(preview["mode"], mode);
        assert!(preview["sizeBytes"].as_u64() <= preview["limitBytes"].as_u64());
        if mode == "lambda-edge" {
            let code = preview["code"].as_str().unwrap();
            let seoul_bucket = t.api.get(&format!("/origins/{seoul}")).await.unwrap()["bucketName"].clone();
            assert!(code.contains(&format!("{}.s3.ap-northeast-2.amazonaws.com", seoul_bucket.as_str().unwrap())));
            assert!(preview["access"].as_str().unwrap().contains("Origin Access Identity"));
        }
    }
    assert_eq!(t.execution_count().await, before, "a preview starts nothing");
    // CloudFront is shared by every test of this binary; this stack's records are its own.
    let functions = t.api.get("/edge-functions").await.unwrap();
    assert_eq!(functions["count"], 0, "and records no function: {functions}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_routings_are_refused_with_their_fields() {
    let t = TestStack::default().await;
    let (a, b, api) = (t.origin("ap-southeast-1").await, t.origin("us-west-2").await, custom_origin(&t).await);
    let routed = |routing: Value| json!({"origins": [a, b], "routing": routing});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"origins": [a]}), "routing"),
        (json!({"routing": {"map": {"KR": a}, "defaultOriginId": a}}), "origins"),
        (routed(json!({"defaultOriginId": a})), "routing"),
        (routed(json!({"mode": "edge-lambda", "map": {"KR": a}, "defaultOriginId": a})), "routing.mode"),
        (routed(json!({"preset": "global-5", "defaultOriginId": a})), "routing.preset"),
        (
            routed(json!({"preset": "global-3", "regions": {"apac": a, "americas": b}, "defaultOriginId": a})),
            "routing.regions.europe",
        ),
        (
            routed(
                json!({"preset": "apac-americas", "regions": {"apac": a, "americas": b, "europe": b}, "defaultOriginId": a}),
            ),
            "routing.regions.europe",
        ),
        (routed(json!({"regions": {"apac": a}, "defaultOriginId": a})), "routing.regions"),
        (routed(json!({"map": {"XX": a}, "defaultOriginId": a})), "routing.map.XX"),
        (routed(json!({"map": {"kr": a}, "defaultOriginId": a})), "routing.map.kr"),
        (routed(json!({"map": {"continent:XX": a}, "defaultOriginId": a})), "routing.map.continent:XX"),
        (routed(json!({"map": {"KR": "org-00000000000000ff"}, "defaultOriginId": a})), "routing.map.KR"),
        (routed(json!({"map": {"KR": "not-an-id"}, "defaultOriginId": a})), "routing.map.KR"),
        (routed(json!({"map": {"KR": a}})), "routing.defaultOriginId"),
        (routed(json!({"map": {"KR": a}, "defaultOriginId": api})), "routing.defaultOriginId"),
        (routed(json!({"map": {"KR": a}, "defaultOriginId": a, "extra": true})), "routing.extra"),
        (
            json!({"origins": [a, api], "routing": {"mode": "lambda-edge", "map": {"US": api}, "defaultOriginId": a}}),
            "origins[1]",
        ),
        (
            json!({"origins": [a, "org-00000000000000ee"], "routing": {"map": {"KR": a}, "defaultOriginId": a}}),
            "origins[1]",
        ),
        (json!({"origins": [a, a], "routing": {"map": {"KR": a}, "defaultOriginId": a}}), "origins[1]"),
        (
            routed(
                json!({"map": (0..301).map(|i| (format!("K{i}"), json!(a))).collect::<serde_json::Map<_, _>>(), "defaultOriginId": a}),
            ),
            "routing.map",
        ),
    ];
    for (body, field) in &cases {
        expect_400(&t, Method::POST, "/edge-functions/preview", body, field).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_routed_distribution_runs_its_previewed_function_changes_it_and_retires_each() {
    let t = TestStack::default().await;
    let (seoul, virginia, ireland) =
        (t.origin("ap-northeast-2").await, t.origin("us-east-1").await, t.origin("eu-west-1").await);
    let routing = json!({"preset": "global-3", "regions": {"apac": seoul, "americas": virginia, "europe": ireland},
        "defaultOriginId": virginia});
    let preview_body = json!({"origins": [seoul, virginia, ireland], "routing": routing});
    let preview = t.api.send(Method::POST, "/edge-functions/preview", Some(&preview_body), None).await.unwrap().body;
    let spec = json!({"name": "routed", "origins": [seoul, virginia, ireland], "defaultOriginId": virginia,
        "routing": routing});
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    let arn = record["edgeFunction"]["arn"].as_str().unwrap().to_owned();
    let function_id = record["edgeFunction"]["id"].as_str().unwrap().to_owned();

    // The function cfm made is the previewed one, LIVE, on the default behaviour's viewer request.
    let listed = t.api.get(&format!("/edge-functions?distributionId={id}")).await.unwrap();
    assert_eq!(listed["edgeFunctions"].as_array().unwrap().len(), 1, "{listed}");
    let function = t.api.get(&format!("/edge-functions/{function_id}")).await.unwrap();
    assert_eq!((function["status"].as_str(), function["arn"].as_str()), (Some("ACTIVE"), Some(arn.as_str())));
    assert_eq!(function["code"], preview["code"], "the preview showed what runs");
    let name = function["name"].as_str().unwrap();
    let cdn = t.ports().cdn;
    assert_eq!(cdn.live_function(name).await.unwrap().as_deref(), preview["code"].as_str());
    let cf = t.aws.cloudfront();
    let got = cf.get_distribution_config().id(record["cloudfrontId"].as_str().unwrap()).send().await.unwrap();
    let default = got.distribution_config().unwrap().default_cache_behavior().unwrap();
    let association = &default.function_associations().unwrap().items()[0];
    assert_eq!((association.function_arn(), association.event_type().as_str()), (arn.as_str(), "viewer-request"));
    // The function sees the viewer's country through cfm's policy, which the distribution reserves.
    let policies = t.api.get("/origin-request-policies").await.unwrap();
    let viewer =
        policies["originRequestPolicies"].as_array().unwrap().iter().find(|p| p["name"] == "cfm-viewer-country");
    let viewer = viewer.expect("cfm's viewer-country policy").clone();
    assert_eq!(default.origin_request_policy_id(), viewer["cloudfrontId"].as_str());
    assert_eq!(viewer["distributions"], json!([id]));
    for origin in [&seoul, &virginia, &ireland] {
        let oac = t.api.get(&format!("/origins/{origin}")).await.unwrap()["oacId"].clone();
        let origins = got.distribution_config().unwrap().origins().unwrap().items();
        let live = origins.iter().find(|o| o.id() == origin.as_str()).unwrap();
        assert_eq!(live.origin_access_control_id(), oac.as_str(), "each origin keeps its OAC");
    }
    let published = t.events_of(&format!("/edge-functions/{function_id}"), "EdgeFunctionPublished", 1).await.unwrap();
    assert_eq!(published[0]["data"]["arn"], arn);
    let associated = t.events_of(&format!("/edge-functions/{function_id}"), "EdgeFunctionAssociated", 1).await.unwrap();
    assert_eq!(associated[0]["data"]["cloudfrontId"], record["cloudfrontId"], "running everywhere");

    // A routing change: the next function runs once deployed, and the last one is retired.
    let two = json!({"routing": {"preset": "apac-americas", "regions": {"apac": seoul, "americas": virginia},
        "defaultOriginId": virginia}});
    let (_, view) = t.run(Method::PUT, &format!("/distributions/{id}"), Some(&two)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    let next_id = record["edgeFunction"]["id"].as_str().unwrap().to_owned();
    assert_ne!(next_id, function_id);
    let next = t.api.get(&format!("/edge-functions/{next_id}")).await.unwrap();
    assert_eq!((next["generation"].as_u64(), next["status"].as_str()), (Some(2), Some("ACTIVE")));
    let got = cf.get_distribution_config().id(record["cloudfrontId"].as_str().unwrap()).send().await.unwrap();
    let default = got.distribution_config().unwrap().default_cache_behavior().unwrap();
    assert_eq!(default.function_associations().unwrap().items()[0].function_arn(), next["arn"].as_str().unwrap());
    // retire-edge-function deletes the last one, on its own.
    t.events_of(&format!("/edge-functions/{function_id}"), "EdgeFunctionRetired", 1).await.unwrap();
    assert_eq!(cdn.live_function(name).await.unwrap(), None, "the last function is deleted");
    assert_eq!(t.api.get(&format!("/edge-functions/{function_id}")).await.unwrap()["status"], "RETIRED");

    // Delete: the function goes once the distribution no longer runs it; the policy is free.
    let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    t.events_of(&format!("/edge-functions/{next_id}"), "EdgeFunctionRetired", 1).await.unwrap();
    assert_eq!(cdn.live_function(next["name"].as_str().unwrap()).await.unwrap(), None, "deleted from CloudFront");
    assert_eq!(t.api.get(&format!("/edge-functions/{next_id}")).await.unwrap()["status"], "RETIRED");
    let viewer = t.api.get(&format!("/origin-request-policies/{}", viewer["id"].as_str().unwrap())).await.unwrap();
    assert_eq!(viewer["distributions"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_a_distribution_cannot_deploy_is_refused_with_its_field() {
    let t = TestStack::default().await;
    let (a, b, api) = (t.origin("ap-southeast-2").await, t.origin("us-east-2").await, custom_origin(&t).await);
    let before = t.execution_count().await;
    let routing = |mode: &str| json!({"mode": mode, "map": {"continent:OC": a}, "defaultOriginId": b});
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"name": "d", "origins": [a, api], "routing": {"mode": "lambda-edge", "map": {"continent:OC": api}, "defaultOriginId": a}}),
            "routing",
        ),
        (
            json!({"name": "d", "origins": [a, b], "routing": routing("cloudfront-function"),
            "originRequestPolicy": "CORS-S3Origin"}),
            "originRequestPolicy",
        ),
        (
            json!({"name": "d", "origins": [a, b], "defaultOriginGroupId": "g",
            "originGroups": [{"id": "g", "primaryOriginId": a, "secondaryOriginId": b}],
            "routing": routing("cloudfront-function")}),
            "defaultOriginGroupId",
        ),
        (json!({"name": "d", "origins": [a], "routing": routing("cloudfront-function")}), "routing.defaultOriginId"),
        (
            json!({"name": "d", "origins": [a, b], "routing": {"map": {"XX": a}, "defaultOriginId": b}}),
            "routing.map.XX",
        ),
    ];
    for (body, field) in &cases {
        expect_400(&t, Method::POST, "/distributions", body, field).await;
    }
    assert_eq!(t.execution_count().await, before, "nothing started");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_routed_create_task_delivered_twice_publishes_one_function() {
    let t =
        cfm_e2e::TestStack::start(cfm_localcloud::StackOptions { paused_workers: true, ..Default::default() }).await;
    let ports = t.ports();
    let records = ports.records();
    let mut origins = Vec::new();
    // Origins made through the tasks directly would need their own deliveries: make them ready here.
    for region in ["ap-northeast-1", "eu-central-1"] {
        let body = json!({"name": "o", "bucketName": cfm_e2e::unique_bucket("twice-edge"), "region": region});
        let accepted = t.accept(Method::POST, "/origins", Some(&body)).await;
        crate::delivery::deliver_twice(&t, "Origins", accepted["executionId"].as_str().unwrap()).await;
        origins.push(accepted["resourceId"].as_str().unwrap().to_owned());
    }
    let spec = json!({"name": "twice", "origins": origins, "defaultOriginId": origins[1],
        "routing": {"map": {"continent:AS": origins[0]}, "defaultOriginId": origins[1]}});
    let accepted = t.accept(Method::POST, "/distributions", Some(&spec)).await;
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    crate::delivery::deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await;
    let record: cfm_domain::distribution::DistributionRecord = records.get(&id).await.unwrap().unwrap();
    let binding = record.edge_function.expect("routed");
    let edge: cfm_domain::edge::EdgeFunctionRecord = records.get(binding.id.as_str()).await.unwrap().unwrap();
    let functions = t.aws.cloudfront().list_functions().send().await.unwrap();
    let named = functions.function_list().unwrap().items().iter().filter(|f| f.name() == edge.name).count();
    assert_eq!(named, 1, "one function");
    let events = t.events_of(&format!("/edge-functions/{}", edge.id), "EdgeFunctionPublished", 1).await.unwrap();
    assert_eq!(events.len(), 1, "published once in its history, however often announced");
}
