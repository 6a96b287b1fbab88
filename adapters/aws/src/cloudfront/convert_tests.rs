//! The builder's output, pinned by snapshots (`snapshots/*.snap`; `CFM_UPDATE_SNAPSHOTS=1`
//! rewrites them), and the merge that keeps what cfm does not manage.

use std::path::Path;

use aws_sdk_cloudfront::types::{
    CacheBehavior, CacheBehaviors, EventType, FunctionAssociation, FunctionAssociations, SslSupportMethod,
};
use aws_sdk_cloudfront::types::{Origin, ViewerProtocolPolicy as SdkViewerProtocolPolicy};
use cfm_domain::distribution::{CdnConfig, DistributionRequest, DistributionSpec, drifted};
use cfm_domain::fixtures;
use cfm_domain::origin::OriginRecord;
use cfm_domain::values::{Checked, DistributionId};

use super::*;

const ORIGIN: &str = "org-0123456789abcdef";

const BACKUP: &str = "org-00000000000000b2";
const API: &str = "org-00000000000000c3";

fn origins() -> Vec<OriginRecord> {
    vec![
        fixtures::bucket(ORIGIN, "assets", "eu-west-1"),
        fixtures::bucket(BACKUP, "assets-backup", "us-west-2"),
        fixtures::custom(API, "api.example.com"),
    ]
}

fn spec(json: serde_json::Value) -> DistributionSpec {
    let request: DistributionRequest = serde_json::from_value(json).unwrap();
    DistributionSpec::from_draft(&request.parse().unwrap()).unwrap()
}

fn config(json: serde_json::Value) -> CdnConfig {
    CdnConfig::desired(&spec(json), &origins(), &[]).unwrap()
}

fn multi() -> CdnConfig {
    config(serde_json::json!({
        "name": "multi", "origins": [ORIGIN, BACKUP, API], "defaultOriginGroupId": "assets",
        "originGroups": [{"id": "assets", "primaryOriginId": ORIGIN, "secondaryOriginId": BACKUP, "failoverStatusCodes": [500, 503]}],
        "behaviors": [
            {"pathPattern": "/api/*", "originId": API, "allowedMethods": "ALL", "cachePolicy": "CachingDisabled",
             "originRequestPolicy": "AllViewerExceptHostHeader", "viewerProtocolPolicy": "https-only"},
            {"pathPattern": "/img/*", "originId": BACKUP}
        ]
    }))
}

fn minimal() -> CdnConfig {
    config(serde_json::json!({"name": "site", "originId": ORIGIN}))
}

fn full_spec() -> DistributionSpec {
    spec(serde_json::json!({
        "name": "site", "originId": ORIGIN,
        "cachePolicy": "CachingDisabled", "viewerProtocolPolicy": "https-only", "allowedMethods": "GET_HEAD_OPTIONS",
        "compress": false, "httpVersion": "http2", "priceClass": "PriceClass_All",
        "aliases": ["cdn.example.com", "www.example.com"],
        "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc", "minimumProtocolVersion": "TLSv1.2_2019",
        "defaultRootObject": "index.html",
        "customErrorResponses": [{"errorCode": 404, "responseCode": 200, "responsePagePath": "/index.html", "errorCachingMinTtl": 10}],
        "logging": {"bucket": "logs.s3.amazonaws.com", "prefix": "cf/"},
        "comment": "full example", "enabled": false, "tags": {"team": "web"}
    }))
}

fn snapshot(name: &str, value: &impl std::fmt::Debug) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots").join(format!("{name}.snap"));
    let text = format!("{value:#?}\n");
    if std::env::var_os("CFM_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{name}.snap missing: run with CFM_UPDATE_SNAPSHOTS=1"));
    assert_eq!(text, expected, "{name}.snap differs: review and run with CFM_UPDATE_SNAPSHOTS=1");
}

#[test]
fn minimal_spec_snapshot() {
    let built = build(&minimal(), "ref-1").unwrap();
    snapshot("minimal", &built);
    assert_eq!(built.comment, "site");
    assert_eq!(built.origins.as_ref().unwrap().items()[0].origin_access_control_id(), Some("E2OACEXAMPLE"));
}

#[test]
fn full_spec_snapshot() {
    let spec = full_spec();
    let built = build(&CdnConfig::desired(&spec, &origins(), &[]).unwrap(), "ref-2").unwrap();
    snapshot("full", &built);
    assert_eq!(built.viewer_certificate.as_ref().unwrap().ssl_support_method(), Some(&SslSupportMethod::SniOnly));
    let id = DistributionId::parse("dist-0000000000000001").unwrap();
    snapshot("full-tags", &tags(&cfm_domain::distribution::tags(&spec, &id)).unwrap());
}

#[test]
fn multi_origin_snapshot() {
    let built = build(&multi(), "ref-3").unwrap();
    snapshot("multi", &built);
    let origins = built.origins.as_ref().unwrap().items();
    assert_eq!(origins[0].origin_access_control_id(), Some("E2OACEXAMPLE"));
    assert_eq!(origins[1].domain_name(), "assets-backup.s3.us-west-2.amazonaws.com");
    let api = &origins[2];
    assert!(api.s3_origin_config().is_none() && api.custom_origin_config().is_some());
    let header = &api.custom_headers().unwrap().items()[0];
    assert_eq!((header.header_name(), header.header_value()), ("X-Origin-Key", "s3cr3t"), "CloudFront gets the value");
    assert!(!format!("{:?}", multi()).contains("s3cr3t"), "cfm's own shape never prints it");
    assert_eq!(built.default_cache_behavior.as_ref().unwrap().target_origin_id(), "assets");
    let group = &built.origin_groups.as_ref().unwrap().items()[0];
    assert_eq!(group.failover_criteria().unwrap().status_codes().unwrap().items(), [500, 503]);
    let behaviors = built.cache_behaviors.as_ref().unwrap().items();
    assert_eq!(behaviors[0].path_pattern(), "/api/*");
    assert_eq!(behaviors[0].origin_request_policy_id(), Some("b689b0a8-53d0-40ab-baf2-68738e2966ac"));
}

fn multi_spec() -> DistributionSpec {
    spec(serde_json::json!({
        "name": "multi", "origins": [ORIGIN, BACKUP, API], "defaultOriginGroupId": "assets",
        "originGroups": [{"id": "assets", "primaryOriginId": ORIGIN, "secondaryOriginId": BACKUP}],
        "behaviors": [{"pathPattern": "/api/*", "originId": API}, {"pathPattern": "/static/*", "originId": ORIGIN}]
    }))
}

#[test]
fn merging_drops_what_cfm_set_before_and_what_served_only_removed_origins() {
    let mut live = build(&CdnConfig::desired(&multi_spec(), &origins(), &[]).unwrap(), "ref-4").unwrap();
    // A behaviour made in the console on an origin that stays.
    let console = CacheBehavior::builder()
        .path_pattern("/console/*")
        .target_origin_id(ORIGIN)
        .viewer_protocol_policy(SdkViewerProtocolPolicy::HttpsOnly)
        .build()
        .unwrap();
    let mut behaviors = live.cache_behaviors.clone().unwrap();
    behaviors.items.get_or_insert_with(Vec::new).push(console);
    behaviors.quantity += 1;
    live.cache_behaviors = Some(behaviors);
    let single = config(serde_json::json!({"name": "one", "originId": ORIGIN})).replacing(&multi_spec());
    merge(&mut live, &single).unwrap();
    let ids: Vec<&str> = live.origins.as_ref().unwrap().items().iter().map(|o| o.id()).collect();
    assert_eq!(ids, [ORIGIN]);
    assert_eq!(live.origin_groups.as_ref().unwrap().quantity, 0);
    let patterns: Vec<&str> = live.cache_behaviors.as_ref().unwrap().items().iter().map(|b| b.path_pattern()).collect();
    assert_eq!(patterns, ["/console/*"], "cfm's /static/* goes (its spec set it), the console's stays");
    assert_eq!(live.default_cache_behavior.as_ref().unwrap().target_origin_id(), ORIGIN);
}

#[test]
fn merging_keeps_what_cfm_does_not_manage_and_drift_sees_changes() {
    let mut live = build(&minimal(), "original-ref").unwrap();
    live.web_acl_id = Some("waf-1".into());
    // An origin, a path behaviour and a function association made outside cfm.
    let theirs = Origin::builder()
        .id("their-api")
        .domain_name("api.example.com")
        .custom_origin_config(
            aws_sdk_cloudfront::types::CustomOriginConfig::builder()
                .http_port(80)
                .https_port(443)
                .origin_protocol_policy(aws_sdk_cloudfront::types::OriginProtocolPolicy::HttpsOnly)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let mut live_origins = live.origins.clone().unwrap();
    live_origins.items.push(theirs);
    live_origins.quantity = 2;
    live.origins = Some(live_origins);
    let path = CacheBehavior::builder()
        .path_pattern("/api/*")
        .target_origin_id("their-api")
        .viewer_protocol_policy(SdkViewerProtocolPolicy::HttpsOnly)
        .build()
        .unwrap();
    live.cache_behaviors = Some(CacheBehaviors::builder().quantity(1).items(path).build().unwrap());
    let function =
        FunctionAssociation::builder().function_arn("arn:fn").event_type(EventType::ViewerRequest).build().unwrap();
    let functions = FunctionAssociations::builder().quantity(1).items(function).build().unwrap();
    live.default_cache_behavior.as_mut().unwrap().function_associations = Some(functions);

    let desired = CdnConfig::desired(&full_spec(), &origins(), &[]).unwrap();
    assert_eq!(
        drifted(&settings(&live), &desired.settings()),
        [
            "comment",
            "enabled",
            "aliases",
            "defaultRootObject",
            "priceClass",
            "httpVersion",
            "viewerProtocolPolicy/cachePolicy",
            "routes"
        ]
    );
    merge(&mut live, &desired).unwrap();
    assert_eq!(live.caller_reference, "original-ref");
    assert_eq!(live.web_acl_id.as_deref(), Some("waf-1"));
    let ids: Vec<&str> = live.origins.as_ref().unwrap().items().iter().map(|o| o.id()).collect();
    assert_eq!(ids, [ORIGIN, "their-api"], "their origin stays");
    assert_eq!(live.cache_behaviors.as_ref().unwrap().quantity, 1, "their path behaviour stays");
    let default = live.default_cache_behavior.as_ref().unwrap();
    assert_eq!(default.function_associations.as_ref().unwrap().quantity, 1, "their function stays");
    assert_eq!(default.viewer_protocol_policy, SdkViewerProtocolPolicy::HttpsOnly);
    // Their origin and behaviour stay, and drift keeps saying that something outside cfm routes.
    assert_eq!(drifted(&settings(&live), &desired.settings()), ["routes"]);
    let live_routes = settings(&live).routes;
    assert!(live_routes.contains(&"/api/* -> their-api".to_owned()), "{live_routes:?}");
    // Without them, nothing has drifted.
    let mut ours = build(&desired, "ref").unwrap();
    merge(&mut ours, &desired).unwrap();
    assert!(drifted(&settings(&ours), &desired.settings()).is_empty());
}
