//! The builder's output, pinned by snapshots (`snapshots/*.snap`; `CFM_UPDATE_SNAPSHOTS=1`
//! rewrites them), and the merge that keeps what cfm does not manage.

use std::path::Path;

use aws_sdk_cloudfront::types::{
    CacheBehavior, CacheBehaviors, EventType, FunctionAssociation, FunctionAssociations, SslSupportMethod,
};
use cfm_domain::distribution::{CdnConfig, DistributionRequest, DistributionSpec, drifted};
use cfm_domain::origin::OriginTarget;
use cfm_domain::values::{BucketName, Checked, DistributionId, OacId, OriginId, Region};

use super::*;

const ORIGIN: &str = "org-0123456789abcdef";

fn target() -> OriginTarget {
    OriginTarget {
        origin_id: OriginId::parse(ORIGIN).unwrap(),
        domain_name: "assets.s3.eu-west-1.amazonaws.com".into(),
        oac_id: OacId::parse("E2OACEXAMPLE").unwrap(),
        bucket_name: BucketName::parse("assets").unwrap(),
        region: Region::parse("eu-west-1").unwrap(),
    }
}

fn config(json: serde_json::Value) -> CdnConfig {
    let request: DistributionRequest = serde_json::from_value(json).unwrap();
    let spec = DistributionSpec::from_draft(&request.parse().unwrap()).unwrap();
    CdnConfig::desired(&spec, &target())
}

fn minimal() -> CdnConfig {
    config(serde_json::json!({"name": "site", "originId": ORIGIN}))
}

fn full_spec() -> DistributionSpec {
    let request: DistributionRequest = serde_json::from_value(serde_json::json!({
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
    .unwrap();
    DistributionSpec::from_draft(&request.parse().unwrap()).unwrap()
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
    let built = build(&CdnConfig::desired(&spec, &target()), "ref-2").unwrap();
    snapshot("full", &built);
    assert_eq!(built.viewer_certificate.as_ref().unwrap().ssl_support_method(), Some(&SslSupportMethod::SniOnly));
    let id = DistributionId::parse("dist-0000000000000001").unwrap();
    snapshot("full-tags", &tags(&cfm_domain::distribution::tags(&spec, &id)).unwrap());
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
    let mut origins = live.origins.clone().unwrap();
    origins.items.push(theirs);
    origins.quantity = 2;
    live.origins = Some(origins);
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

    let desired = CdnConfig::desired(&full_spec(), &target());
    assert_eq!(
        drifted(&settings(&live), &desired.settings()),
        [
            "comment",
            "enabled",
            "aliases",
            "defaultRootObject",
            "priceClass",
            "httpVersion",
            "viewerProtocolPolicy/cachePolicy"
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
    assert!(drifted(&settings(&live), &desired.settings()).is_empty());
}
