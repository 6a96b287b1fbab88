//! Lambda@Edge routing on the local cloud: a distribution over three buckets reaches them
//! through its Origin Access Identity, runs the previewed code as a numbered Lambda version on
//! origin request, changes its map (a new function, the old one retired), is replicated again as
//! it is, and loses its routing (every bucket through its OAC again, the identity deleted). The local cloud's Lambda never
//! reports a replicated function, so the workers' Lambda client refuses the first three
//! deletions with AWS's "replicated function" error (injected: each DELETE is sent as a read,
//! so the function really stays, and its answer is replaced).

use std::sync::atomic::Ordering;

use cfm_e2e::TestStack;
use cfm_e2e::faults::FailOperation;
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::{Value, json};

const REPLICATED: &str = "Lambda was unable to delete arn:aws:lambda:us-east-1:123456789012:function:cfm-x:1 because it is a replicated function. Please see our documentation for Deleting Lambda@Edge Functions and Replicas.";

/// The bucket policy of origin `origin`, as text.
async fn bucket_policy(t: &TestStack, origin: &str) -> String {
    let view = t.api.get(&format!("/origins/{origin}")).await.unwrap();
    let (bucket, region) = (view["bucketName"].as_str().unwrap(), view["region"].as_str().unwrap());
    let out = t.aws.s3(region).get_bucket_policy().bucket(bucket).send().await;
    out.ok().and_then(|o| o.policy().map(str::to_owned)).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lambda_edge_distribution_routes_through_its_identity_and_retires_every_version() {
    let refusal =
        FailOperation::lambda_refusing("DeleteFunction", 400, "InvalidParameterValueException", REPLICATED, 3);
    let refused = refusal.counter();
    let t = TestStack::start(StackOptions { worker_interceptors: vec![refusal.shared()], ..Default::default() }).await;
    let (seoul, virginia, frankfurt) =
        (t.origin("ap-northeast-2").await, t.origin("us-east-1").await, t.origin("eu-central-1").await);
    let origins = json!([seoul, virginia, frankfurt]);
    let routing = json!({"mode": "lambda-edge", "preset": "global-3",
        "regions": {"apac": seoul, "americas": virginia, "europe": frankfurt}, "defaultOriginId": virginia});
    let preview = t
        .api
        .send(Method::POST, "/edge-functions/preview", Some(&json!({"origins": origins, "routing": routing})), None)
        .await
        .unwrap();
    assert_eq!(preview.status.as_u16(), 200, "{}", preview.body);
    let body = json!({"name": "lambda-routed", "origins": origins, "defaultOriginId": virginia, "routing": routing});
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&body)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    let identity = record["originAccessIdentity"].as_str().expect("an identity").to_owned();
    let binding = record["edgeFunction"].clone();
    assert_eq!(binding["mode"], "lambda-edge", "{record}");
    let version_arn = binding["arn"].as_str().unwrap().to_owned();
    assert!(version_arn.starts_with("arn:aws:lambda:us-east-1:") && version_arn.ends_with(":1"), "{version_arn}");

    // CloudFront: every bucket through the identity, the version on origin request.
    let cloudfront = t.aws.cloudfront();
    let cloudfront_id = record["cloudfrontId"].as_str().unwrap();
    let got = cloudfront.get_distribution_config().id(cloudfront_id).send().await.unwrap();
    let config = got.distribution_config().unwrap();
    let items = config.origins().unwrap().items();
    assert_eq!(items.len(), 3);
    for origin in items {
        let access = origin.s3_origin_config().map(|s| s.origin_access_identity());
        assert_eq!(access, Some(format!("origin-access-identity/cloudfront/{identity}").as_str()), "{}", origin.id());
        assert_eq!(origin.origin_access_control_id().unwrap_or_default(), "", "no OAC: it cannot follow the switch");
    }
    let default = config.default_cache_behavior().unwrap();
    let lambdas = default.lambda_function_associations().unwrap().items();
    assert_eq!(lambdas.len(), 1);
    assert_eq!(
        (lambdas[0].lambda_function_arn(), lambdas[0].event_type().as_str()),
        (version_arn.as_str(), "origin-request")
    );
    assert_eq!(default.function_associations().map_or(0, |f| f.quantity()), 0, "no CloudFront Function");
    cloudfront.get_cloud_front_origin_access_identity().id(&identity).send().await.expect("the identity exists");
    for origin in [&seoul, &virginia, &frankfurt] {
        let policy = bucket_policy(&t, origin).await;
        assert!(policy.contains(&format!("CloudFront Origin Access Identity {identity}")), "{origin}: {policy}");
    }

    // Lambda: the previewed code, one version, the stack's edge role.
    let path = format!("/edge-functions/{}", binding["id"].as_str().unwrap());
    let function = t.api.get(&path).await.unwrap();
    assert_eq!(function["code"], preview.body["code"], "what was previewed is what runs");
    assert_eq!(function["live"], true, "Lambda has the version with that code");
    let name = function["name"].as_str().unwrap().to_owned();
    let lambda = t.aws.lambda();
    let got = lambda.get_function().function_name(&name).qualifier("1").send().await.unwrap();
    let configuration = got.configuration().unwrap();
    assert_eq!(configuration.role(), Some(t.stack.resources().edge_role.as_str()));
    assert_eq!(configuration.handler(), Some("index.handler"));
    t.events_of(&path, "EdgeFunctionAssociated", 1).await.unwrap();

    // The other preset, with a map that wins over it.
    let remap = json!({"routing": {"mode": "lambda-edge", "preset": "apac-americas",
        "regions": {"apac": seoul, "americas": virginia}, "map": {"DE": frankfurt}, "defaultOriginId": virginia}});
    let body = json!({"origins": origins, "routing": remap["routing"]});
    let previewed = t.api.send(Method::POST, "/edge-functions/preview", Some(&body), None).await.unwrap().body;
    assert_eq!(previewed["table"]["DE"], frankfurt.as_str(), "the map wins over the preset");
    let (_, view) = t.run(Method::PUT, &format!("/distributions/{id}"), Some(&remap)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let next = t.api.get(&format!("/distributions/{id}")).await.unwrap()["edgeFunction"].clone();
    assert_eq!(next["generation"], 2);
    let next_function = t.api.get(&format!("/edge-functions/{}", next["id"].as_str().unwrap())).await.unwrap();
    assert_eq!(next_function["code"], previewed["code"], "the change runs what its preview showed");
    // The first function's replicas "linger" for three attempts, then it goes.
    t.events_of(&path, "EdgeFunctionRetireDeferred", 3).await.unwrap();
    t.events_of(&path, "EdgeFunctionRetired", 1).await.unwrap();
    let gone = lambda.get_function().function_name(&name).send().await;
    assert!(gone.is_err_and(|e| e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception())));

    // Replicated again as it is: the next generation runs, the last is retired.
    let (_, view) = t.run(Method::POST, &format!("/distributions/{id}/replicate-edge-function"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let third = t.api.get(&format!("/distributions/{id}")).await.unwrap()["edgeFunction"].clone();
    assert_eq!(third["generation"], 3);
    let third_function = t.api.get(&format!("/edge-functions/{}", third["id"].as_str().unwrap())).await.unwrap();
    assert_eq!(
        (third_function["code"].clone(), third_function["live"].clone()),
        (previewed["code"].clone(), json!(true))
    );
    let next_path = format!("/edge-functions/{}", next["id"].as_str().unwrap());
    t.events_of(&next_path, "EdgeFunctionRetired", 1).await.unwrap();

    // Routing removed: every bucket through its OAC again, the identity and its grants gone.
    let (_, view) = t.run(Method::PUT, &format!("/distributions/{id}"), Some(&json!({"routing": Value::Null}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let third_path = format!("/edge-functions/{}", third["id"].as_str().unwrap());
    t.events_of(&third_path, "EdgeFunctionRetired", 1).await.unwrap();
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert!(record.get("originAccessIdentity").is_none() && record.get("edgeFunction").is_none(), "{record}");
    let got = cloudfront.get_distribution_config().id(cloudfront_id).send().await.unwrap();
    let config = got.distribution_config().unwrap();
    for origin in config.origins().unwrap().items() {
        assert!(!origin.origin_access_control_id().unwrap_or_default().is_empty(), "{} has its OAC again", origin.id());
        assert_eq!(origin.s3_origin_config().map(|s| s.origin_access_identity()), Some(""));
    }
    assert_eq!(config.default_cache_behavior().unwrap().lambda_function_associations().map_or(0, |l| l.quantity()), 0);
    let gone = cloudfront.get_cloud_front_origin_access_identity().id(&identity).send().await;
    assert!(gone.is_err(), "the identity is deleted once CloudFront no longer uses it");
    for origin in [&seoul, &virginia, &frankfurt] {
        let policy = bucket_policy(&t, origin).await;
        assert!(
            !policy.contains("Origin Access Identity") && policy.contains("cloudfront.amazonaws.com"),
            "{origin}: {policy}"
        );
    }

    let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    for origin in [&seoul, &virginia, &frankfurt] {
        assert!(!bucket_policy(&t, origin).await.contains("cloudfront"), "{origin}: revoked");
    }
    assert_eq!(refused.load(Ordering::SeqCst), 3, "every refusal was injected");
}
