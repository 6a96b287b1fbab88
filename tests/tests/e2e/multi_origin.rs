//! Custom origins and distributions over several origins, checked against the local cloud. The
//! OAC ids read back from CloudFront and a default behaviour aimed at an origin group rely on
//! cfm's extension of the local cloud (`localcloud/python/cfm_moto/cloudfront.py`).

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::{Value, json};

use crate::distribution_input::expect_400;
use crate::distributions::{origin_bucket, policy};

/// A custom origin with a secret header; returns its id.
pub(crate) async fn custom_origin(t: &TestStack) -> String {
    let body = json!({"type": "custom", "name": "api", "domainName": "api.example.com", "originPath": "/v1",
        "httpsPort": 8443, "protocolPolicy": "https-only", "readTimeoutSeconds": 45,
        "customHeaders": {"X-Origin-Verify": "s3cr3t-value"}});
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&body)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    accepted["resourceId"].as_str().unwrap().to_owned()
}

/// Whether `bucket`'s policy grants the distribution with `arn`.
async fn grants(t: &TestStack, bucket: &str, region: &str, arn: &str) -> bool {
    policy(t, bucket, region).await.is_some_and(|p| p.contains(arn))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_origins_three_behaviours_and_a_group_then_shrink_then_delete() {
    let t = TestStack::default().await;
    let (primary, backup, api) = (t.origin("eu-west-1").await, t.origin("us-west-2").await, custom_origin(&t).await);
    let (primary_bucket, primary_region, _) = origin_bucket(&t, &primary).await;
    let (backup_bucket, backup_region, backup_domain) = origin_bucket(&t, &backup).await;

    let shown = t.api.get(&format!("/origins/{api}")).await.unwrap();
    assert_eq!((shown["type"].as_str(), shown["status"].as_str()), (Some("custom"), Some("ACTIVE")), "{shown}");
    assert_eq!(shown["customHeaders"]["X-Origin-Verify"], "(hidden)");
    assert!(!shown.to_string().contains("s3cr3t"), "a read never shows the value");

    let spec = json!({
        "name": "multi", "origins": [primary, backup, api], "defaultOriginGroupId": "assets",
        "originGroups": [{"id": "assets", "primaryOriginId": primary, "secondaryOriginId": backup,
            "failoverStatusCodes": [500, 502, 503, 504]}],
        "behaviors": [
            {"pathPattern": "/api/*", "originId": api, "allowedMethods": "ALL", "cachePolicy": "CachingDisabled",
             "originRequestPolicy": "AllViewerExceptHostHeader", "viewerProtocolPolicy": "https-only"},
            {"pathPattern": "/static/*", "originGroupId": "assets"},
            {"pathPattern": "*.jpg", "originId": backup, "compress": false}
        ]
    });
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(record["spec"]["origins"], json!([primary, backup, api]), "{record}");
    assert_eq!(record["spec"]["behaviors"][0]["pathPattern"], "/api/*");
    assert_eq!(record["spec"]["originGroups"][0]["id"], "assets");
    let (cf_id, arn) = (record["cloudfrontId"].as_str().unwrap(), record["arn"].as_str().unwrap().to_owned());

    // CloudFront has every origin with its own access, the behaviours in order, the group.
    let cf = t.aws.cloudfront();
    let got = cf.get_distribution_config().id(cf_id).send().await.unwrap();
    let config = got.distribution_config().unwrap();
    let origins = config.origins().unwrap().items();
    assert_eq!(origins.iter().map(|o| o.id()).collect::<Vec<_>>(), [&primary, &backup, &api]);
    for (origin, id) in origins.iter().zip([&primary, &backup]) {
        let oac = t.api.get(&format!("/origins/{id}")).await.unwrap()["oacId"].clone();
        assert_eq!(origin.origin_access_control_id(), oac.as_str(), "each S3 origin keeps its own OAC");
    }
    let custom = origins[2].custom_origin_config().unwrap();
    assert_eq!((custom.https_port(), custom.origin_read_timeout()), (8443, Some(45)));
    assert_eq!(origins[2].origin_path(), Some("/v1"));
    assert_eq!(origins[2].custom_headers().unwrap().items()[0].header_value(), "s3cr3t-value", "CloudFront gets it");
    let behaviours = config.cache_behaviors().unwrap().items();
    let patterns: Vec<&str> = behaviours.iter().map(|b| b.path_pattern()).collect();
    assert_eq!(patterns, ["/api/*", "/static/*", "*.jpg"]);
    assert_eq!(behaviours[0].origin_request_policy_id(), Some("b689b0a8-53d0-40ab-baf2-68738e2966ac"));
    assert_eq!(behaviours[1].target_origin_id(), "assets");
    assert_eq!(config.default_cache_behavior().unwrap().target_origin_id(), "assets");
    let group = &config.origin_groups().unwrap().items()[0];
    assert_eq!(group.members().unwrap().items().len(), 2);
    assert!(
        grants(&t, &primary_bucket, &primary_region, &arn).await
            && grants(&t, &backup_bucket, &backup_region, &arn).await
    );
    let created = t.events_of(&format!("/distributions/{id}"), "DistributionCreated", 1).await.unwrap();
    assert_eq!(created[0]["data"]["origins"], json!([primary, backup, api]), "{created:?}");

    // An origin in use cannot be deleted.
    let refused = t.api.send(Method::DELETE, &format!("/origins/{api}"), None, None).await.unwrap();
    assert_eq!(refused.status.as_u16(), 409, "{}", refused.body);

    // Rotating the custom origin's secret reaches CloudFront; the workflow never sees it.
    let rotate = json!({"customHeaders": {"X-Origin-Verify": "rotated-value"}, "readTimeoutSeconds": 50});
    let (accepted, view) = t.run(Method::PUT, &format!("/origins/{api}"), Some(&rotate)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(!view.to_string().contains("rotated-value"), "{view}");
    let execution = t.api.get(&format!("/executions/{}", accepted["executionId"].as_str().unwrap())).await.unwrap();
    assert!(!execution.to_string().contains("rotated-value"), "{execution}");
    let got = cf.get_distribution_config().id(cf_id).send().await.unwrap();
    let live = &got.distribution_config().unwrap().origins().unwrap().items()[2];
    assert_eq!(live.custom_headers().unwrap().items()[0].header_value(), "rotated-value");
    assert_eq!(live.custom_origin_config().unwrap().origin_read_timeout(), Some(50));

    // The backup bucket leaves: its grant is revoked and CloudFront no longer serves it.
    let shrink = json!({"origins": [primary, api], "defaultOriginId": primary, "originGroups": [],
        "behaviors": [{"pathPattern": "/api/*", "originId": api, "allowedMethods": "ALL", "cachePolicy": "CachingDisabled"}]});
    let (_, view) = t.run(Method::PUT, &format!("/distributions/{id}"), Some(&shrink)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(!grants(&t, &backup_bucket, &backup_region, &arn).await, "the removed origin's grant is revoked");
    assert!(grants(&t, &primary_bucket, &primary_region, &arn).await);
    assert_eq!(t.api.get(&format!("/origins/{backup}")).await.unwrap()["distributions"], json!([]));
    assert!(crate::distributions::serving(&t, &backup_domain).await.is_empty());
    let got = cf.get_distribution_config().id(cf_id).send().await.unwrap();
    assert_eq!(got.distribution_config().unwrap().origins().unwrap().quantity(), 2);

    // Someone points /api/* at a bucket in the console: reconcile reports the routes as drifted.
    let got = cf.get_distribution_config().id(cf_id).send().await.unwrap();
    let mut edited = got.distribution_config().unwrap().clone();
    let behaviours = edited.cache_behaviors.as_mut().unwrap().items.as_mut().unwrap();
    behaviours[0].target_origin_id = primary.clone();
    let update = cf.update_distribution().id(cf_id).if_match(got.e_tag().unwrap()).distribution_config(edited);
    update.send().await.unwrap();
    t.reconcile().await;
    let status = t.api.get(&format!("/distributions/{id}/status")).await.unwrap();
    assert_eq!(status["drift"], json!(["routes"]), "{status}");

    // Delete: every grant goes, and the custom origin can go too.
    let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(!grants(&t, &primary_bucket, &primary_region, &arn).await);
    let (_, view) = t.run(Method::DELETE, &format!("/origins/{api}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let deleted = t.events_of(&format!("/origins/{api}"), "OriginDeleted", 1).await.unwrap();
    assert!(!serde_json::to_string(&deleted).unwrap().contains("s3cr3t"));
    let created = t.events_of(&format!("/origins/{api}"), "OriginCreated", 1).await.unwrap();
    assert_eq!(created[0]["data"]["type"], "custom");
    assert!(!serde_json::to_string(&created).unwrap().contains("s3cr3t"), "events never carry the value");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_custom_origins_and_routes_are_refused_with_their_fields() {
    let t = TestStack::default().await;
    let (a, b) = (t.origin("us-east-1").await, t.origin("us-east-1").await);
    let before = t.execution_count().await;
    let custom = |field: &str, value: Value| {
        let mut body = json!({"type": "custom", "name": "api", "domainName": "api.example.com"});
        body[field] = value;
        body
    };
    let origins: Vec<(Value, &str)> = vec![
        (custom("domainName", json!("203.0.113.7")), "domainName"),
        (custom("domainName", json!("localhost")), "domainName"),
        (json!({"type": "custom", "name": "api"}), "domainName"),
        (custom("httpPort", json!(70000)), "httpPort"),
        (custom("httpsPort", json!(81)), "httpsPort"),
        (custom("protocolPolicy", json!("sometimes")), "protocolPolicy"),
        (custom("minimumTlsVersion", json!("SSLv3")), "minimumTlsVersion"),
        (custom("readTimeoutSeconds", json!(0)), "readTimeoutSeconds"),
        (custom("keepaliveTimeoutSeconds", json!(181)), "keepaliveTimeoutSeconds"),
        (custom("originPath", json!("prod/")), "originPath"),
        (custom("customHeaders", json!({"Host": "x"})), "customHeaders.Host"),
        (
            custom(
                "customHeaders",
                json!((0..11).map(|i| (format!("X-H{i}"), json!("v"))).collect::<serde_json::Map<_, _>>()),
            ),
            "customHeaders",
        ),
        (custom("bucketName", json!("a-bucket")), "bucketName"),
        (json!({"type": "ftp", "name": "x"}), "type"),
        (
            json!({"name": "s3", "bucketName": "b-bucket-x", "region": "us-east-1", "domainName": "a.example.com"}),
            "domainName",
        ),
    ];
    for (body, field) in &origins {
        expect_400(&t, Method::POST, "/origins", body, field).await;
    }
    let spec = |extra: Value| {
        let mut body = json!({"name": "n", "origins": [a, b]});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let group = |p: &str, s: &str| json!([{"id": "g", "primaryOriginId": p, "secondaryOriginId": s}]);
    let routes: Vec<(Value, &str)> = vec![
        (
            spec(json!({"behaviors": [{"pathPattern": "/x/*", "originId": "org-00000000000000ff"}]})),
            "behaviors[0].originId",
        ),
        (
            spec(
                json!({"behaviors": [{"pathPattern": "/x/*", "originId": a}, {"pathPattern": "/x/*", "originId": b}]}),
            ),
            "behaviors[1]",
        ),
        (spec(json!({"behaviors": [{"pathPattern": "/x/*"}]})), "behaviors[0].originId"),
        (spec(json!({"behaviors": [{"pathPattern": "*", "originId": a}]})), "behaviors[0].pathPattern"),
        (
            spec(json!({"behaviors": [{"pathPattern": "/x/*", "originId": a, "originGroupId": "g"}]})),
            "behaviors[0].originGroupId",
        ),
        (
            spec(json!({"behaviors": [{"pathPattern": "/x/*", "originGroupId": "missing"}]})),
            "behaviors[0].originGroupId",
        ),
        (spec(json!({"originGroups": group(&a, &a)})), "originGroups[0].secondaryOriginId"),
        (
            spec(
                json!({"originGroups": [{"id": "g", "primaryOriginId": a, "secondaryOriginId": b, "failoverStatusCodes": [200]}]}),
            ),
            "originGroups[0].failoverStatusCodes[0]",
        ),
        (spec(json!({"originGroups": group(&a, "org-00000000000000ff")})), "originGroups[0].secondaryOriginId"),
        (
            spec(json!({"defaultOriginGroupId": "g", "allowedMethods": "ALL", "originGroups": group(&a, &b)})),
            "allowedMethods",
        ),
        (spec(json!({"defaultOriginId": "org-00000000000000ff"})), "defaultOriginId"),
        (spec(json!({"originRequestPolicy": "EverythingPlease"})), "originRequestPolicy"),
        (spec(json!({"originRequestPolicy": "AllViewer"})), "originRequestPolicy"),
        (
            spec(json!({"originGroups": group(&a, &b), "behaviors": [{"pathPattern": "/g/*", "originGroupId": "g",
                "originRequestPolicy": "AllViewerAndCloudFrontHeaders-2022-06"}]})),
            "behaviors[0].originRequestPolicy",
        ),
        (json!({"name": "n", "originId": a, "origins": [a]}), "originId"),
        (json!({"name": "n", "origins": [a, a]}), "origins[1]"),
        (json!({"name": "n", "origins": []}), "origins"),
        (json!({"name": "n", "origins": (0..26).map(|i| format!("org-{i:016x}")).collect::<Vec<_>>()}), "origins"),
        (json!({"name": "n", "origins": [a, "org-00000000000000ff"]}), "origins[1]"),
    ];
    for (body, field) in &routes {
        expect_400(&t, Method::POST, "/distributions", body, field).await;
    }
    assert!(origins.len() + routes.len() >= 25);
    assert_eq!(t.execution_count().await, before, "no execution started");
}

/// Starts `body` at `path` and plays every task of its execution twice (see
/// [`crate::delivery::deliver_twice`]); returns the resource id.
async fn twice(t: &TestStack, method: Method, path: &str, body: Option<&Value>, family: &str) -> String {
    let accepted = t.accept(method, path, body).await;
    crate::delivery::deliver_twice(t, family, accepted["executionId"].as_str().unwrap()).await;
    accepted["resourceId"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_new_task_delivered_twice_makes_one_of_everything() {
    let t = TestStack::start(cfm_localcloud::StackOptions { paused_workers: true, ..Default::default() }).await;
    let mut buckets = Vec::new();
    for region in ["us-east-1", "eu-west-1"] {
        let spec = json!({"name": region, "bucketName": cfm_e2e::unique_bucket("twice-m"), "region": region});
        let id = twice(&t, Method::POST, "/origins", Some(&spec), "Origins").await;
        buckets.push((id.clone(), origin_bucket(&t, &id).await));
    }
    let custom = json!({"type": "custom", "name": "api", "domainName": "api.example.com"});
    let api = twice(&t, Method::POST, "/origins", Some(&custom), "Origins").await;
    assert_eq!(t.api.get(&format!("/origins/{api}")).await.unwrap()["status"], "ACTIVE");

    let (a, b) = (&buckets[0].0, &buckets[1].0);
    let spec = json!({"name": "twice", "origins": [a, b, api], "defaultOriginGroupId": "g",
        "originGroups": [{"id": "g", "primaryOriginId": a, "secondaryOriginId": b}],
        "behaviors": [{"pathPattern": "/api/*", "originId": api}]});
    let id = twice(&t, Method::POST, "/distributions", Some(&spec), "Distributions").await;
    let (_, _, domain) = &buckets[0].1;
    assert_eq!(crate::distributions::serving(&t, domain).await.len(), 1, "one distribution");
    let arn = t.api.get(&format!("/distributions/{id}")).await.unwrap()["arn"].as_str().unwrap().to_owned();
    for (origin, (bucket, region, _)) in &buckets {
        let policy: Value = serde_json::from_str(&policy(&t, bucket, region).await.unwrap()).unwrap();
        assert_eq!(policy["Statement"].as_array().unwrap().len(), 1, "one grant: {policy}");
        assert_eq!(t.api.get(&format!("/origins/{origin}")).await.unwrap()["distributions"], json!([id]));
    }

    let shrink = json!({"origins": [a, api], "defaultOriginId": a, "originGroups": []});
    twice(&t, Method::PUT, &format!("/distributions/{id}"), Some(&shrink), "Distributions").await;
    let (bucket, region, _) = &buckets[1].1;
    assert!(!grants(&t, bucket, region, &arn).await, "revoked once and for all");
    assert_eq!(t.api.get(&format!("/origins/{b}")).await.unwrap()["distributions"], json!([]));

    twice(&t, Method::DELETE, &format!("/distributions/{id}"), None, "Distributions").await;
    twice(&t, Method::DELETE, &format!("/origins/{api}"), None, "Origins").await;
    let gone = t.api.send(Method::GET, &format!("/origins/{api}"), None, None).await.unwrap();
    assert_eq!(gone.status.as_u16(), 404);
}
