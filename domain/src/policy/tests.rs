use serde_json::json;

use super::*;
use crate::claim::Claim;
use crate::distribution::CachePolicy;
use crate::problems::Problems;
use crate::record::Claimed;
use crate::values::{DistributionId, ExecutionArn, Timestamp};

fn parse(kind: PolicyKind, body: serde_json::Value) -> Result<PolicySpec, Vec<String>> {
    let request: PolicyRequest = serde_json::from_value(body).unwrap();
    request.parse(kind).map_err(|p| p.list().iter().map(|p| format!("{}: {}", p.field, p.message)).collect())
}

#[test]
fn a_cache_policy_takes_cloudfront_defaults() {
    let spec = parse(PolicyKind::Cache, json!({"name": "api-cache"})).unwrap();
    let PolicySettings::Cache(cache) = spec.settings else { panic!("a cache policy") };
    assert_eq!((cache.min_ttl, cache.default_ttl, cache.max_ttl), (1, 86_400, 31_536_000));
    assert!(cache.gzip && cache.brotli);
    assert_eq!(cache.headers, Selection::none());
    let short = parse(PolicyKind::Cache, json!({"name": "short", "maxTtl": 60})).unwrap();
    let PolicySettings::Cache(short) = short.settings else { panic!("a cache policy") };
    assert_eq!(short.default_ttl, 60, "the default TTL fits under a lower maximum");
}

#[test]
fn every_broken_rule_is_named_by_its_field() {
    let problems = parse(
        PolicyKind::Cache,
        json!({
            "name": "bad name!", "minTtl": 600, "defaultTtl": 30, "maxTtl": 60,
            "headers": {"behavior": "allViewer"},
            "cookies": {"behavior": "whitelist"},
            "queryStrings": {"behavior": "all", "names": ["q"]}
        }),
    )
    .unwrap_err();
    for field in ["name", "minTtl", "defaultTtl", "headers.behavior", "cookies.names", "queryStrings.names"] {
        assert!(problems.iter().any(|p| p.starts_with(&format!("{field}:"))), "{field}: {problems:?}");
    }
}

#[test]
fn a_policy_that_caches_nothing_has_no_cache_key() {
    let problems =
        parse(PolicyKind::Cache, json!({"name": "off", "minTtl": 0, "defaultTtl": 0, "maxTtl": 0, "gzip": true, "headers": {"behavior": "whitelist", "names": ["Accept"]}}))
            .unwrap_err();
    assert!(problems.iter().any(|p| p.starts_with("gzip:")) && problems.iter().any(|p| p.starts_with("headers:")));
    let off = parse(PolicyKind::Cache, json!({"name": "off", "minTtl": 0, "defaultTtl": 0, "maxTtl": 0})).unwrap();
    assert!(matches!(off.settings, PolicySettings::Cache(CachePolicySettings { gzip: false, brotli: false, .. })));
}

#[test]
fn an_origin_request_policy_has_no_ttls_and_may_forward_host() {
    let problems = parse(PolicyKind::OriginRequest, json!({"name": "o", "maxTtl": 5, "gzip": true})).unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
    let spec = parse(
        PolicyKind::OriginRequest,
        json!({"name": "country", "headers": {"behavior": "whitelist", "names": ["CloudFront-Viewer-Country", "Host"]}}),
    )
    .unwrap();
    assert!(spec.settings.forwards_host());
    let names = parse(PolicyKind::OriginRequest, json!({"name": "n", "headers": {"behavior": "allViewer"}})).unwrap();
    assert!(names.settings.forwards_host());
    let list: Vec<String> = (0..11).map(|i| format!("h{i}")).collect();
    let long =
        parse(PolicyKind::OriginRequest, json!({"name": "n", "headers": {"behavior": "whitelist", "names": list}}));
    assert!(long.unwrap_err()[0].starts_with("headers.names:"));
}

#[test]
fn a_behaviour_names_a_managed_policy_or_a_cfm_one_of_its_kind() {
    let mut p = Problems::new();
    let cache = PolicyId::generate(PolicyKind::Cache, Some("k"));
    let origin = PolicyId::generate(PolicyKind::OriginRequest, Some("k"));
    assert_eq!(cache.kind(), PolicyKind::Cache);
    assert!(cache.as_str().starts_with("cp-") && origin.as_str().starts_with("orp-"));
    let managed = PolicyRef::<CachePolicy>::parse_into(&mut p, "f", PolicyKind::Cache, "CachingDisabled");
    assert_eq!(managed, Some(PolicyRef::Managed(CachePolicy::Disabled)));
    let own = PolicyRef::<CachePolicy>::parse_into(&mut p, "f", PolicyKind::Cache, cache.as_str()).unwrap();
    assert_eq!(own.own(), Some(&cache));
    assert!(p.is_empty());
    assert_eq!(PolicyRef::<CachePolicy>::parse_into(&mut p, "f", PolicyKind::Cache, origin.as_str()), None);
    assert_eq!(PolicyRef::<CachePolicy>::parse_into(&mut p, "g", PolicyKind::Cache, "Fast"), None);
    assert!(p.list()[0].message.contains("origin-request policy"), "{p}");
    assert!(p.list()[1].message.contains("CachingOptimized"), "{p}");
    let json = serde_json::to_value(&own).unwrap();
    assert_eq!(serde_json::from_value::<PolicyRef<CachePolicy>>(json).unwrap(), own);
}

#[test]
fn a_policy_in_use_cannot_be_deleted_and_only_a_ready_one_is_used() {
    let arn = |name: &str| ExecutionArn::of("arn:aws:states:us-east-1:123456789012:stateMachine:m", name);
    let now = Timestamp::at(chrono::Utc::now());
    let spec = parse(PolicyKind::Cache, json!({"name": "p", "comment": "hi"})).unwrap();
    let id = PolicyId::generate(PolicyKind::Cache, None);
    let mut record = PolicyRecord::creating(id.clone(), &spec, Claim::new(&arn("c"), "create-policy", now), "me", now);
    let d = DistributionId::generate(None);
    assert!(record.reserve_for(&d).is_err(), "a policy being created serves nothing");
    record.cloudfront_id = Some("CP1".into());
    record.finish(arn("c").as_str(), PolicyStatus::Active).unwrap();
    record.reserve_for(&d).unwrap();
    assert!(record.owns(&record.cloudfront_comment()));
    assert!(record.owns(&format!("cfm {id}")) && !record.owns(&format!("cfm {id}x")) && !record.owns("hand-made"));
    let delete = Claim::new(&arn("d"), "delete-policy", now);
    assert!(record.claim_for_delete(delete.clone()).unwrap_err().0.contains("in use"));
    record.release_for(&d);
    assert_eq!(record.claim_for_delete(delete).unwrap(), PolicyStatus::Active);
    let value = serde_json::to_value(&record).unwrap();
    assert_eq!((value["kind"].as_str(), value["status"].as_str()), (Some("cache"), Some("DELETING")));
    assert_eq!(serde_json::from_value::<PolicyRecord>(value).unwrap(), record);
}

#[test]
fn headers_cloudfront_refuses_in_a_list_are_named() {
    let problems = parse(
        PolicyKind::Cache,
        json!({"name": "c", "headers": {"behavior": "whitelist", "names": ["Accept-Encoding", "Origin", "origin"]}}),
    )
    .unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
    for field in ["headers.names[0]:", "headers.names[2]:"] {
        assert!(problems.iter().any(|p| p.starts_with(field)), "{field} {problems:?}");
    }
    let problems = parse(
        PolicyKind::OriginRequest,
        json!({"name": "o", "headers": {"behavior": "allViewerAndWhitelistCloudFront", "names": ["X-Custom"]}}),
    )
    .unwrap_err();
    assert!(problems[0].starts_with("headers.names[0]:"), "{problems:?}");
    let problems = parse(
        PolicyKind::OriginRequest,
        json!({"name": "o", "headers": {"behavior": "whitelist", "names": ["Authorization"]}}),
    )
    .unwrap_err();
    assert!(problems[0].starts_with("headers.names:"), "{problems:?}");
}

#[test]
fn a_maximum_alone_bounds_the_defaults() {
    let off = parse(PolicyKind::Cache, json!({"name": "off", "maxTtl": 0, "gzip": false, "brotli": false})).unwrap();
    let PolicySettings::Cache(off) = off.settings else { panic!("a cache policy") };
    assert_eq!((off.min_ttl, off.default_ttl, off.max_ttl), (0, 0, 0));
    let host = parse(PolicyKind::Cache, json!({"name": "h", "headers": {"behavior": "whitelist", "names": ["Host"]}}));
    assert!(host.unwrap().settings.forwards_host(), "a cache key with Host sends it to the origin");
}
