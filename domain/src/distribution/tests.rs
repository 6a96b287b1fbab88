//! Parsing, completing and changing distribution specs, the CloudFront shape and drift.

use super::*;
use crate::origin::OriginRecord;
use crate::policy::PolicyRef;
use crate::problems::Problems;
use crate::values::{Checked, OriginId};

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
const ORIGIN: &str = "org-0123456789abcdef";

fn request(json: serde_json::Value) -> DistributionRequest {
    serde_json::from_value(json).unwrap()
}

fn fields(problems: Problems) -> Vec<String> {
    problems.list().iter().map(|p| p.field.clone()).collect()
}

fn spec(json: serde_json::Value) -> Result<DistributionSpec, Problems> {
    DistributionSpec::from_draft(&request(json).parse()?)
}

#[test]
fn a_minimal_request_gets_every_default() {
    let spec = spec(serde_json::json!({"name": "s", "originId": ORIGIN})).unwrap();
    assert_eq!(spec.cache_policy, PolicyRef::Managed(CachePolicy::Optimized));
    assert_eq!(spec.viewer_protocol_policy, ViewerProtocolPolicy::RedirectToHttps);
    assert_eq!(spec.price_class, PriceClass::Class100);
    assert_eq!(spec.http_version, HttpVersion::Http2And3);
    assert!(spec.compress && spec.enabled && spec.certificate.is_none());
    assert_eq!(spec.cloudfront_comment(), "s");
    let json = serde_json::to_value(&spec).unwrap();
    assert_eq!(json["priceClass"], "PriceClass_100");
    assert_eq!(serde_json::from_value::<DistributionSpec>(json).unwrap(), spec);
}

#[test]
fn every_problem_is_reported() {
    let problems = spec(serde_json::json!({
        "cachePolicy": "Fast",
        "aliases": ["Bad Host"],
        "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
        "defaultRootObject": "/index.html",
        "customErrorResponses": [{"errorCode": 200}, {"errorCode": 404, "responsePagePath": "x"}],
    }))
    .unwrap_err();
    let fields = fields(problems);
    for f in [
        "cachePolicy",
        "aliases[0]",
        "certificateArn",
        "defaultRootObject",
        "customErrorResponses[0].errorCode",
        "customErrorResponses[1].responsePagePath",
        "customErrorResponses[1].responseCode",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
}

#[test]
fn a_create_needs_name_origin_and_a_certificate_for_aliases() {
    let fields = fields(
        spec(serde_json::json!({"aliases": ["cdn.example.com"], "minimumProtocolVersion": "TLSv1.2_2019"}))
            .unwrap_err(),
    );
    assert_eq!(fields, ["name", "originId", "aliases", "minimumProtocolVersion"]);
    let with_cert = spec(
        serde_json::json!({"name": "s", "originId": ORIGIN, "aliases": ["cdn.example.com"], "certificateArn": CERT}),
    )
    .unwrap();
    assert_eq!(with_cert.certificate.unwrap().minimum_protocol_version, TlsVersion::Tls12_2021);
}

#[test]
fn patches_need_a_field_and_keep_the_origin() {
    assert_eq!(fields(DistributionRequest::default().parse_patch().unwrap_err()), ["body"]);
    assert_eq!(fields(request(serde_json::json!({"originId": ORIGIN})).parse_patch().unwrap_err()), ["originId"]);
    let base = spec(serde_json::json!({"name": "s", "originId": ORIGIN, "comment": "old"})).unwrap();
    let patch = request(serde_json::json!({"comment": "new", "enabled": false})).parse_patch().unwrap();
    assert_eq!(patch.set_fields(), ["comment", "enabled"]);
    let changed = base.changed(&patch).unwrap();
    assert_eq!(changed.comment.as_ref().unwrap().as_str(), "new");
    assert!(!changed.enabled && changed.name == base.name);
    let aliases = request(serde_json::json!({"aliases": ["a.example.com"]})).parse_patch().unwrap();
    assert_eq!(fields(base.changed(&aliases).unwrap_err()), ["aliases"], "still needs a certificate");
}

#[test]
fn merging_replaces_whole_fields() {
    let base =
        request(serde_json::json!({"name": "a", "comment": "base", "tags": {"a": "1", "b": "2"}})).parse().unwrap();
    let over = request(serde_json::json!({"comment": "over", "tags": {"c": "3"}})).parse().unwrap();
    let merged = base.merged(&over);
    assert_eq!(merged.name, base.name);
    assert_eq!(merged.comment.unwrap().as_str(), "over");
    assert_eq!(merged.tags.unwrap().len(), 1, "maps are replaced, not merged");
}

fn bucket(id: &str, region: &str) -> OriginRecord {
    crate::fixtures::bucket(id, &format!("b-{region}"), region)
}

#[test]
fn the_desired_cloudfront_shape_and_its_drift() {
    let spec = spec(serde_json::json!({"name": "s", "originId": ORIGIN, "cachePolicy": "CachingDisabled"})).unwrap();
    let desired = CdnConfig::desired(&spec, &[bucket(ORIGIN, "eu-west-1")], &[]).unwrap();
    assert_eq!(desired.origins[0].id, ORIGIN);
    assert_eq!(desired.origins[0].domain_name, "b-eu-west-1.s3.eu-west-1.amazonaws.com");
    assert_eq!(desired.default_behavior.target_origin_id, ORIGIN);
    assert_eq!(desired.default_behavior.cache_policy_id, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    let wanted = desired.settings();
    assert!(drifted(&wanted, &wanted).is_empty());
    let mut live = wanted.clone();
    live.comment = "changed in the console".into();
    live.aliases = vec!["x.example.com".into()];
    assert_eq!(drifted(&live, &wanted), ["comment", "aliases"]);
}

const SECOND: &str = "org-00000000000000b2";
const API: &str = "org-00000000000000c3";

fn multi() -> serde_json::Value {
    serde_json::json!({
        "name": "multi", "origins": [ORIGIN, SECOND, API],
        "defaultOriginGroupId": "assets",
        "originGroups": [{"id": "assets", "primaryOriginId": ORIGIN, "secondaryOriginId": SECOND}],
        "behaviors": [
            {"pathPattern": "/api/*", "originId": API, "allowedMethods": "ALL", "cachePolicy": "CachingDisabled",
             "originRequestPolicy": "AllViewerExceptHostHeader"},
            {"pathPattern": "/static/*", "originGroupId": "assets"},
            {"pathPattern": "*.jpg", "originId": SECOND, "compress": false}
        ]
    })
}

#[test]
fn many_origins_groups_and_behaviours_make_one_cloudfront_shape() {
    let spec = spec(multi()).unwrap();
    assert_eq!(spec.default_target, Target::OriginGroupId(crate::values::GroupId::parse("assets").unwrap()));
    assert_eq!(spec.origin_groups[0].failover_status_codes, [500, 502, 503, 504]);
    let api = crate::fixtures::custom(API, "api.example.com");
    let records = [bucket(ORIGIN, "eu-west-1"), bucket(SECOND, "us-west-2"), api];
    let desired = CdnConfig::desired(&spec, &records, &[]).unwrap();
    assert_eq!(desired.origins.len(), 3);
    assert!(matches!(&desired.origins[2].access, OriginAccess::Custom(c) if c.custom_headers.len() == 1));
    assert_eq!(desired.default_behavior.target_origin_id, "assets");
    let patterns: Vec<&str> = desired.behaviors.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(patterns, ["/api/*", "/static/*", "*.jpg"], "behaviours keep their order");
    assert_eq!(
        desired.behaviors[0].1.origin_request_policy_id.as_deref(),
        Some(OriginRequestPolicy::AllViewerExceptHostHeader.id())
    );
    assert!(CdnConfig::desired(&spec, &records[..2], &[]).is_err(), "every origin must exist");
    assert_eq!(spec.changed(&request(serde_json::json!({"comment": "c"})).parse().unwrap()).unwrap().origins.len(), 3);
}

#[test]
fn routes_that_do_not_hold_name_their_fields() {
    let bad = serde_json::json!({
        "name": "bad", "origins": [ORIGIN, SECOND, ORIGIN], "defaultOriginId": API,
        "originGroups": [
            {"id": "g", "primaryOriginId": ORIGIN, "secondaryOriginId": ORIGIN, "failoverStatusCodes": [200]},
            {"id": "h", "primaryOriginId": ORIGIN, "secondaryOriginId": API}
        ],
        "behaviors": [
            {"pathPattern": "/a/*", "originId": API},
            {"pathPattern": "/a/*", "originGroupId": "h", "allowedMethods": "ALL"},
            {"pathPattern": "/b/*", "originId": ORIGIN, "originGroupId": "h"},
            {"pathPattern": "*"}
        ]
    });
    let problems = request(bad).parse_create().unwrap_err();
    let fields = fields(problems);
    for field in [
        "origins[2]",
        "originGroups[0].secondaryOriginId",
        "originGroups[0].failoverStatusCodes[0]",
        "behaviors[1]",
        "behaviors[2].originGroupId",
        "behaviors[3].pathPattern",
        "behaviors[3].originId",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field} not in {fields:?}");
    }
    let cross = serde_json::json!({
        "name": "cross", "origins": [ORIGIN, SECOND], "defaultOriginId": API,
        "originGroups": [{"id": "h", "primaryOriginId": ORIGIN, "secondaryOriginId": API}],
        "behaviors": [{"pathPattern": "/a/*", "originId": API}, {"pathPattern": "/g/*", "originGroupId": "h", "allowedMethods": "ALL"}]
    });
    let fields = self::fields(spec(cross).unwrap_err());
    assert_eq!(
        fields,
        [
            "defaultOriginId",
            "behaviors[0].originId",
            "behaviors[1].allowedMethods",
            "originGroups[0].secondaryOriginId"
        ]
    );
    let both = request(serde_json::json!({"name": "x", "originId": ORIGIN, "origins": [ORIGIN]})).parse_create();
    assert_eq!(self::fields(both.unwrap_err()), ["originId"]);
}

#[test]
fn a_create_reports_bad_fields_and_missing_ones_together_once_each() {
    let request: DistributionRequest =
        serde_json::from_value(serde_json::json!({"name": "", "priceClass": "Cheap", "aliases": ["cdn.example.com"]}))
            .unwrap();
    let problems = request.parse_create().unwrap_err();
    let fields: Vec<&str> = problems.list().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["name", "priceClass", "originId", "aliases"]);
}

#[test]
fn the_viewers_host_never_reaches_an_s3_origin() {
    let mut json = multi();
    json["originRequestPolicy"] = serde_json::json!("AllViewer");
    json["behaviors"][1]["originRequestPolicy"] = serde_json::json!("AllViewerAndCloudFrontHeaders-2022-06");
    let with_host = spec(json).unwrap();
    let mut problems = Problems::new();
    with_host.check_s3_host(|id| id.as_str() != API, |_| false, &mut problems);
    assert_eq!(fields(problems), ["originRequestPolicy", "behaviors[1].originRequestPolicy"]);
    let mut problems = Problems::new();
    with_host.check_s3_host(|_| false, |_| false, &mut problems);
    assert!(problems.is_empty(), "a custom origin may take every viewer header");
    let mut json = multi();
    json["behaviors"][1]["originRequestPolicy"] = serde_json::json!(OWN_ORIGIN_REQUEST);
    let mut problems = Problems::new();
    spec(json).unwrap().check_s3_host(|id| id.as_str() != API, |id| id.as_str() == OWN_ORIGIN_REQUEST, &mut problems);
    assert_eq!(fields(problems), ["behaviors[1].originRequestPolicy"], "a cfm policy that forwards Host is caught too");
    let mut json = multi();
    json["cachePolicy"] = serde_json::json!(OWN_CACHE);
    let mut problems = Problems::new();
    spec(json).unwrap().check_s3_host(|id| id.as_str() != API, |id| id.as_str() == OWN_CACHE, &mut problems);
    assert_eq!(fields(problems), ["cachePolicy"], "a cache key holding Host sends it too");
}

const OWN_CACHE: &str = "cp-00000000000000d4";
const OWN_ORIGIN_REQUEST: &str = "orp-00000000000000e5";

#[test]
fn behaviours_use_cfm_policies_by_id_resolved_to_cloudfront_ids() {
    let mut json = multi();
    json["cachePolicy"] = serde_json::json!(OWN_CACHE);
    json["behaviors"][0]["cachePolicy"] = serde_json::json!(OWN_CACHE);
    json["behaviors"][0]["originRequestPolicy"] = serde_json::json!(OWN_ORIGIN_REQUEST);
    let spec = spec(json).unwrap();
    let named: Vec<String> = spec.policy_fields().into_iter().map(|(f, _)| f).collect();
    assert_eq!(named, ["cachePolicy", "behaviors[0].cachePolicy", "behaviors[0].originRequestPolicy"]);
    assert_eq!(spec.policies().len(), 2, "each policy once");
    let origins =
        [bucket(ORIGIN, "eu-west-1"), bucket(SECOND, "us-west-2"), crate::fixtures::custom(API, "api.example.com")];
    let policies = [
        crate::fixtures::policy(OWN_CACHE, "CP1", serde_json::json!({"name": "api"})),
        crate::fixtures::policy(OWN_ORIGIN_REQUEST, "ORP1", serde_json::json!({"name": "country"})),
    ];
    let desired = CdnConfig::desired(&spec, &origins, &policies).unwrap();
    assert_eq!(desired.default_behavior.cache_policy_id, "CP1");
    assert_eq!(desired.behaviors[0].1.origin_request_policy_id.as_deref(), Some("ORP1"));
    assert_eq!(desired.behaviors[1].1.cache_policy_id, CachePolicy::Optimized.id());
    let missing = CdnConfig::desired(&spec, &origins, &policies[..1]).unwrap_err();
    assert!(missing.0.contains("origin-request policy orp-00000000000000e5 does not exist"), "{missing}");
    let mut wrong = multi();
    wrong["behaviors"][0]["cachePolicy"] = serde_json::json!(OWN_ORIGIN_REQUEST);
    wrong["originRequestPolicy"] = serde_json::json!("cp-nothex");
    let problems = request(wrong).parse_create().unwrap_err();
    assert_eq!(fields(problems), ["behaviors[0].cachePolicy", "originRequestPolicy"]);
}

#[test]
fn a_change_of_origins_moves_a_default_it_leaves_out_to_the_first_origin() {
    let spec = spec(serde_json::json!({"name": "s", "origins": [ORIGIN, SECOND]})).unwrap();
    let change = request(serde_json::json!({"origins": [SECOND, API]})).parse().unwrap();
    let changed = spec.changed(&change).unwrap();
    assert_eq!(changed.default_target, Target::OriginId(OriginId::parse(SECOND).unwrap()));
    let kept = spec.changed(&request(serde_json::json!({"origins": [API, ORIGIN]})).parse().unwrap()).unwrap();
    assert_eq!(kept.default_target, Target::OriginId(OriginId::parse(ORIGIN).unwrap()), "a default still served stays");
}

#[test]
fn a_spec_reaches_its_buckets_through_an_identity_only_when_lambda_edge_routes_it() {
    const OTHER: &str = "org-fedcba9876543210";
    let routing = |mode: &str| serde_json::json!({"mode": mode, "map": {"KR": OTHER}, "defaultOriginId": ORIGIN});
    let made =
        |mode: &str| spec(serde_json::json!({"name": "r", "origins": [ORIGIN, OTHER], "routing": routing(mode)}));
    use crate::bucket_policy::Access;
    assert_eq!(made("lambda-edge").unwrap().access(), Access::Identity);
    assert_eq!(made("cloudfront-function").unwrap().access(), Access::Oac);
    let lambda = made("lambda-edge").unwrap();
    let removed = lambda.changed(&request(serde_json::json!({"routing": null})).parse_patch().unwrap()).unwrap();
    assert_eq!(removed.access(), Access::Oac, "a change may take lambda-edge away (and bring it)");
}
