//! Cache and origin-request policies on the local cloud: made, named by behaviours, changed,
//! refused while in use, deleted; every task delivered twice makes one of everything. moto has
//! no policy API of its own: these rely on cfm's extension of the local cloud
//! (`localcloud/python/cfm_moto/policies.py`).

use cfm_e2e::{TestStack, unique_bucket};
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::{Value, json};

use crate::delivery::deliver_twice;
use crate::distribution_input::expect_400;
use crate::multi_origin::custom_origin;

/// A policy name no other test uses (CloudFront names are unique in the account).
fn unique_name(prefix: &str) -> String {
    unique_bucket(prefix)
}

/// Creates a policy under `path` from `body` and waits; returns its record.
async fn policy(t: &TestStack, path: &str, body: Value) -> Value {
    let (accepted, view) = t.run(Method::POST, path, Some(&body)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    t.api.get(&format!("{path}/{}", accepted["resourceId"].as_str().unwrap())).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behaviours_use_cfm_policies_which_change_in_place_and_go_only_when_unused() {
    let t = TestStack::default().await;
    let cache_name = unique_name("api-cache");
    let cache = policy(
        &t,
        "/cache-policies",
        json!({"name": cache_name, "comment": "api responses",
        "minTtl": 0, "defaultTtl": 30, "maxTtl": 300,
        "headers": {"behavior": "whitelist", "names": ["Authorization"]},
        "queryStrings": {"behavior": "all"}}),
    )
    .await;
    let country = policy(
        &t,
        "/origin-request-policies",
        json!({"name": unique_name("country"),
        "headers": {"behavior": "whitelist", "names": ["CloudFront-Viewer-Country"]}}),
    )
    .await;
    assert_eq!((cache["status"].as_str(), cache["kind"].as_str()), (Some("ACTIVE"), Some("cache")), "{cache}");
    let (cache_id, country_id) = (cache["id"].as_str().unwrap(), country["id"].as_str().unwrap());
    let cf = t.aws.cloudfront();
    let cf_cache = cache["cloudfrontId"].as_str().unwrap();
    let made = cf.get_cache_policy_config().id(cf_cache).send().await.unwrap();
    let config = made.cache_policy_config().unwrap();
    assert_eq!((config.name(), config.default_ttl(), config.max_ttl()), (cache_name.as_str(), Some(30), Some(300)));
    let key = config.parameters_in_cache_key_and_forwarded_to_origin().unwrap();
    assert_eq!(key.headers_config().unwrap().headers().unwrap().items(), ["Authorization"]);

    // A distribution serves /api/* from a custom origin with both policies, the rest from S3.
    let (assets, api) = (t.origin("eu-west-1").await, custom_origin(&t).await);
    let spec = json!({"name": "with-policies", "origins": [assets, api], "defaultOriginId": assets,
        "behaviors": [{"pathPattern": "/api/*", "originId": api, "allowedMethods": "ALL",
            "cachePolicy": cache_id, "originRequestPolicy": country_id}]});
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(record["spec"]["behaviors"][0]["cachePolicy"], cache_id, "the spec names cfm's id");
    let got = cf.get_distribution_config().id(record["cloudfrontId"].as_str().unwrap()).send().await.unwrap();
    let behaviour = &got.distribution_config().unwrap().cache_behaviors().unwrap().items()[0];
    assert_eq!(behaviour.cache_policy_id(), Some(cf_cache), "CloudFront gets its own id");
    assert_eq!(behaviour.origin_request_policy_id(), country["cloudfrontId"].as_str());
    let cache = t.api.get(&format!("/cache-policies/{cache_id}")).await.unwrap();
    assert_eq!(cache["distributions"], json!([id]), "{cache}");

    // In use: refused up front, nothing started.
    let refused = t.api.send(Method::DELETE, &format!("/cache-policies/{cache_id}"), None, None).await.unwrap();
    assert_eq!(refused.status.as_u16(), 409, "{}", refused.body);

    // A change reaches CloudFront's policy; the distribution is not touched.
    let longer = json!({"name": cache_name, "minTtl": 0, "defaultTtl": 60, "maxTtl": 600});
    let (_, view) = t.run(Method::PUT, &format!("/cache-policies/{cache_id}"), Some(&longer)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let changed = cf.get_cache_policy_config().id(cf_cache).send().await.unwrap();
    assert_eq!(changed.cache_policy_config().unwrap().max_ttl(), Some(600));

    // The behaviour leaves; then the policy can go, from CloudFront too.
    let (_, view) = t.run(Method::PUT, &format!("/distributions/{id}"), Some(&json!({"behaviors": []}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert_eq!(t.api.get(&format!("/cache-policies/{cache_id}")).await.unwrap()["distributions"], json!([]));
    let (_, view) = t.run(Method::DELETE, &format!("/cache-policies/{cache_id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(cf.get_cache_policy().id(cf_cache).send().await.is_err(), "gone from CloudFront");
    let history = t.events_of(&format!("/cache-policies/{cache_id}"), "PolicyDeleted", 1).await.unwrap();
    assert_eq!(history[0]["data"]["policyId"], cache_id);
    t.events_of(&format!("/cache-policies/{cache_id}"), "PolicyUpdated", 1).await.unwrap();
    t.events_of(&format!("/cache-policies/{cache_id}"), "PolicyCreated", 1).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_policy_task_delivered_twice_makes_one_policy() {
    let t = TestStack::start(StackOptions { paused_workers: true, ..Default::default() }).await;
    let name = unique_name("twice");
    let accepted = t.accept(Method::POST, "/origin-request-policies", Some(&json!({"name": name}))).await;
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    assert_eq!(deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await, 1);
    let list = t.aws.cloudfront().list_origin_request_policies().send().await.unwrap();
    let items = list.origin_request_policy_list().unwrap().items();
    let named = |n: &str| {
        items
            .iter()
            .filter(|s| {
                s.origin_request_policy().and_then(|p| p.origin_request_policy_config()).is_some_and(|c| c.name() == n)
            })
            .count()
    };
    assert_eq!(named(&name), 1, "one CloudFront policy");
    let path = format!("/origin-request-policies/{id}");
    assert_eq!(t.api.get(&path).await.unwrap()["status"], "ACTIVE");

    let renamed = unique_name("renamed");
    let update = json!({"name": renamed, "cookies": {"behavior": "all"}});
    let accepted = t.accept(Method::PUT, &path, Some(&update)).await;
    assert_eq!(deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await, 1);
    let record = t.api.get(&path).await.unwrap();
    assert_eq!((record["name"].as_str(), record["status"].as_str()), (Some(renamed.as_str()), Some("ACTIVE")));

    let accepted = t.accept(Method::DELETE, &path, None).await;
    assert_eq!(deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await, 1);
    assert_eq!(t.api.send(Method::GET, &path, None, None).await.unwrap().status.as_u16(), 404);
    let events = t.events_of(&path, "PolicyDeleted", 1).await.unwrap();
    assert_eq!(events.len(), 1, "one event however often it was published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_policies_and_bad_references_are_refused_with_their_fields() {
    let t = TestStack::default().await;
    let before = t.execution_count().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("/cache-policies", json!({"name": "p", "minTtl": 600, "maxTtl": 60}), "minTtl"),
        ("/cache-policies", json!({"name": "p", "defaultTtl": 9000, "maxTtl": 60}), "defaultTtl"),
        ("/cache-policies", json!({"name": "p", "maxTtl": 4_000_000_000u64}), "maxTtl"),
        ("/cache-policies", json!({"name": "no spaces"}), "name"),
        ("/cache-policies", json!({"comment": "no name"}), "name"),
        ("/cache-policies", json!({"name": "p", "headers": {"behavior": "allViewer"}}), "headers.behavior"),
        ("/cache-policies", json!({"name": "p", "cookies": {"behavior": "whitelist"}}), "cookies.names"),
        (
            "/cache-policies",
            json!({"name": "p", "queryStrings": {"behavior": "all", "names": ["q"]}}),
            "queryStrings.names",
        ),
        ("/cache-policies", json!({"name": "p", "minTtl": 0, "defaultTtl": 0, "maxTtl": 0, "gzip": true}), "gzip"),
        ("/origin-request-policies", json!({"name": "p", "maxTtl": 60}), "maxTtl"),
        (
            "/origin-request-policies",
            json!({"name": "p", "headers": {"behavior": "whitelist", "names": ["a b"]}}),
            "headers.names[0]",
        ),
        (
            "/origin-request-policies",
            json!({"name": "p", "headers": {"behavior": "whitelist", "names": ["X", "X"]}}),
            "headers.names[1]",
        ),
    ];
    for (path, body, field) in &cases {
        expect_400(&t, Method::POST, path, body, field).await;
    }
    let origin = t.origin("us-east-1").await;
    let references: Vec<(Value, &str)> = vec![
        (json!({"name": "d", "originId": origin, "cachePolicy": "cp-00000000000000aa"}), "cachePolicy"),
        (json!({"name": "d", "originId": origin, "cachePolicy": "orp-00000000000000aa"}), "cachePolicy"),
        (json!({"name": "d", "originId": origin, "originRequestPolicy": "Everything"}), "originRequestPolicy"),
        (
            json!({"name": "d", "originId": origin, "behaviors": [{"pathPattern": "/a/*", "originId": origin,
            "originRequestPolicy": "orp-00000000000000bb"}]}),
            "behaviors[0].originRequestPolicy",
        ),
    ];
    for (body, field) in &references {
        expect_400(&t, Method::POST, "/distributions", body, field).await;
    }
    assert_eq!(t.execution_count().await, before + 1, "only the origin's execution started");
}
