//! Spec → CloudFront `DistributionConfig`: a pure function, pinned by snapshot tests.
//!
//! Defaults where the spec is silent: CachingOptimized, redirect-to-https, GET/HEAD, compress,
//! HTTP/2 and HTTP/3, PriceClass_100, IPv6 on, enabled, TLSv1.2_2021 with a custom certificate.

use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CachedMethods, CustomErrorResponse, CustomErrorResponses, DefaultCacheBehavior,
    DistributionConfig, HttpVersion, LoggingConfig, Method, MinimumProtocolVersion, Origin, Origins, PriceClass,
    S3OriginConfig, SslSupportMethod, Tag, Tags, ViewerCertificate, ViewerProtocolPolicy,
};
use aws_smithy_types::error::operation::BuildError;
use cfm_core::distribution::cache_policy_id;
use cfm_events::distribution::DistributionSpec;

/// The S3 origin a distribution serves, as CloudFront needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginTarget {
    /// The cfm origin id (used as CloudFront's origin id).
    pub origin_id: String,
    /// The bucket's regional REST domain.
    pub domain_name: String,
    /// The origin's OAC.
    pub oac_id: String,
}

/// The tag naming the cfm distribution on the CloudFront resource.
pub const DISTRIBUTION_TAG: &str = "cfm:distribution-id";

fn methods(preset: &str) -> (Vec<Method>, Vec<Method>) {
    let head = vec![Method::Get, Method::Head];
    match preset {
        "GET_HEAD_OPTIONS" => (vec![Method::Get, Method::Head, Method::Options], head),
        "ALL" => (
            vec![Method::Get, Method::Head, Method::Options, Method::Put, Method::Patch, Method::Post, Method::Delete],
            head,
        ),
        _ => (head.clone(), head),
    }
}

/// Builds the configuration for `spec` served from `origin`.
pub fn build_config(
    spec: &DistributionSpec,
    origin: &OriginTarget,
    caller_reference: &str,
) -> Result<DistributionConfig, BuildError> {
    let s3_origin = Origin::builder()
        .id(&origin.origin_id)
        .domain_name(&origin.domain_name)
        .origin_access_control_id(&origin.oac_id)
        .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        .build()?;
    let (allowed, cached) = methods(spec.allowed_methods.as_deref().unwrap_or("GET_HEAD"));
    let cached = CachedMethods::builder().quantity(cached.len() as i32).set_items(Some(cached)).build()?;
    let allowed = AllowedMethods::builder()
        .quantity(allowed.len() as i32)
        .set_items(Some(allowed))
        .cached_methods(cached)
        .build()?;
    let behavior = DefaultCacheBehavior::builder()
        .target_origin_id(&origin.origin_id)
        .viewer_protocol_policy(ViewerProtocolPolicy::from(
            spec.viewer_protocol_policy.as_deref().unwrap_or("redirect-to-https"),
        ))
        .cache_policy_id(
            cache_policy_id(spec.cache_policy.as_deref().unwrap_or("CachingOptimized")).unwrap_or_default(),
        )
        .allowed_methods(allowed)
        .compress(spec.compress.unwrap_or(true))
        .build()?;
    let aliases = spec.aliases.clone().unwrap_or_default();
    let viewer_certificate = match &spec.certificate_arn {
        Some(arn) => ViewerCertificate::builder()
            .acm_certificate_arn(arn)
            .ssl_support_method(SslSupportMethod::SniOnly)
            .minimum_protocol_version(MinimumProtocolVersion::from(
                spec.minimum_protocol_version.as_deref().unwrap_or("TLSv1.2_2021"),
            ))
            .build(),
        None => ViewerCertificate::builder().cloud_front_default_certificate(true).build(),
    };
    let mut config = DistributionConfig::builder()
        .caller_reference(caller_reference)
        .origins(Origins::builder().quantity(1).items(s3_origin).build()?)
        .default_cache_behavior(behavior)
        .comment(comment(spec))
        .enabled(spec.enabled.unwrap_or(true))
        .price_class(PriceClass::from(spec.price_class.as_deref().unwrap_or("PriceClass_100")))
        .http_version(HttpVersion::from(spec.http_version.as_deref().unwrap_or("http2and3")))
        .is_ipv6_enabled(true)
        .aliases(
            Aliases::builder()
                .quantity(aliases.len() as i32)
                .set_items(Some(aliases).filter(|a| !a.is_empty()))
                .build()?,
        )
        .viewer_certificate(viewer_certificate)
        .default_root_object(spec.default_root_object.clone().unwrap_or_default());
    if let Some(responses) = spec.custom_error_responses.as_ref().filter(|r| !r.is_empty()) {
        let mut items = Vec::new();
        for r in responses {
            items.push(
                CustomErrorResponse::builder()
                    .error_code(r.error_code)
                    .set_response_code(r.response_code.map(|c| c.to_string()))
                    .set_response_page_path(r.response_page_path.clone())
                    .set_error_caching_min_ttl(r.error_caching_min_ttl)
                    .build()?,
            );
        }
        config = config.custom_error_responses(
            CustomErrorResponses::builder().quantity(items.len() as i32).set_items(Some(items)).build()?,
        );
    }
    if let Some(logging) = &spec.logging {
        config = config.logging(
            LoggingConfig::builder()
                .enabled(true)
                .include_cookies(logging.include_cookies)
                .bucket(&logging.bucket)
                .prefix(&logging.prefix)
                .build(),
        );
    }
    config.build()
}

/// CloudFront requires a comment; the spec's, else the name (both at most 128 characters).
fn comment(spec: &DistributionSpec) -> String {
    spec.comment.clone().or_else(|| spec.name.clone()).unwrap_or_default().chars().take(128).collect()
}

/// The distribution's tags: the spec's plus the cfm id.
pub fn tags(spec: &DistributionSpec, distribution_id: &str) -> Result<Tags, BuildError> {
    let mut items = vec![Tag::builder().key(DISTRIBUTION_TAG).value(distribution_id).build()?];
    for (key, value) in spec.tags.iter().flatten() {
        items.push(Tag::builder().key(key).value(value).build()?);
    }
    Ok(Tags::builder().set_items(Some(items)).build())
}

/// Puts the settings cfm manages from `desired` onto `live`, keeping everything else (its
/// caller reference, WAF, geo restrictions, extra origins or behaviours made outside cfm).
pub fn apply_managed(live: &mut DistributionConfig, desired: DistributionConfig) {
    live.aliases = desired.aliases;
    live.default_root_object = desired.default_root_object;
    live.origins = desired.origins;
    live.default_cache_behavior = desired.default_cache_behavior;
    live.custom_error_responses = desired.custom_error_responses;
    live.comment = desired.comment;
    live.logging = desired.logging;
    live.price_class = desired.price_class;
    live.enabled = desired.enabled;
    live.viewer_certificate = desired.viewer_certificate;
    live.http_version = desired.http_version;
    live.is_ipv6_enabled = desired.is_ipv6_enabled;
}

/// The spec-level settings where `live` differs from `desired` (what drift detection reports).
pub fn drifted_fields(live: &DistributionConfig, desired: &DistributionConfig) -> Vec<String> {
    let aliases = |c: &DistributionConfig| {
        let mut items = c.aliases.as_ref().map(|a| a.items().to_vec()).unwrap_or_default();
        items.sort();
        items
    };
    let behavior = |c: &DistributionConfig| {
        c.default_cache_behavior.as_ref().map(|b| (b.viewer_protocol_policy.clone(), b.cache_policy_id.clone()))
    };
    let root = |c: &DistributionConfig| c.default_root_object.clone().unwrap_or_default();
    let checks = [
        ("comment", live.comment != desired.comment),
        ("enabled", live.enabled != desired.enabled),
        ("aliases", aliases(live) != aliases(desired)),
        ("defaultRootObject", root(live) != root(desired)),
        ("priceClass", live.price_class != desired.price_class),
        ("httpVersion", live.http_version != desired.http_version),
        ("viewerProtocolPolicy/cachePolicy", behavior(live) != behavior(desired)),
    ];
    checks.into_iter().filter(|(_, differs)| *differs).map(|(field, _)| field.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use cfm_events::distribution::{CustomErrorResponse as SpecError, Logging};

    use super::*;

    fn origin() -> OriginTarget {
        OriginTarget {
            origin_id: "org-0123456789abcdef".into(),
            domain_name: "assets.s3.eu-west-1.amazonaws.com".into(),
            oac_id: "E2OACEXAMPLE".into(),
        }
    }

    fn minimal() -> DistributionSpec {
        DistributionSpec {
            name: Some("site".into()),
            origin_id: Some("org-0123456789abcdef".into()),
            ..Default::default()
        }
    }

    fn full() -> DistributionSpec {
        DistributionSpec {
            cache_policy: Some("CachingDisabled".into()),
            viewer_protocol_policy: Some("https-only".into()),
            allowed_methods: Some("GET_HEAD_OPTIONS".into()),
            compress: Some(false),
            http_version: Some("http2".into()),
            price_class: Some("PriceClass_All".into()),
            aliases: Some(vec!["cdn.example.com".into(), "www.example.com".into()]),
            certificate_arn: Some("arn:aws:acm:us-east-1:123456789012:certificate/abc".into()),
            minimum_protocol_version: Some("TLSv1.2_2019".into()),
            default_root_object: Some("index.html".into()),
            custom_error_responses: Some(vec![SpecError {
                error_code: 404,
                response_code: Some(200),
                response_page_path: Some("/index.html".into()),
                error_caching_min_ttl: Some(10),
            }]),
            logging: Some(Logging {
                bucket: "logs.s3.amazonaws.com".into(),
                prefix: "cf/".into(),
                include_cookies: false,
            }),
            comment: Some("full example".into()),
            enabled: Some(false),
            tags: Some(BTreeMap::from([("team".into(), "web".into())])),
            ..minimal()
        }
    }

    /// Compares with `snapshots/<name>.snap`; `CFM_UPDATE_SNAPSHOTS=1` rewrites it.
    fn snapshot(name: &str, value: &impl std::fmt::Debug) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots").join(format!("{name}.snap"));
        let text = format!("{value:#?}\n");
        if std::env::var_os("CFM_UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{name}.snap missing: run with CFM_UPDATE_SNAPSHOTS=1"));
        assert_eq!(text, expected, "{name}.snap differs: review and run with CFM_UPDATE_SNAPSHOTS=1");
    }

    #[test]
    fn minimal_spec_snapshot() {
        let config = build_config(&minimal(), &origin(), "ref-1").unwrap();
        snapshot("minimal", &config);
        assert_eq!(config.comment, "site");
        let origin = &config.origins.as_ref().unwrap().items()[0];
        assert_eq!(origin.origin_access_control_id(), Some("E2OACEXAMPLE"));
    }

    #[test]
    fn full_spec_snapshot() {
        let config = build_config(&full(), &origin(), "ref-2").unwrap();
        snapshot("full", &config);
        assert_eq!(config.viewer_certificate.as_ref().unwrap().ssl_support_method(), Some(&SslSupportMethod::SniOnly));
        snapshot("full-tags", &tags(&full(), "dist-1").unwrap());
    }

    #[test]
    fn apply_keeps_unmanaged_settings_and_drift_sees_changes() {
        let mut live = build_config(&minimal(), &origin(), "original-ref").unwrap();
        live.web_acl_id = Some("waf-1".into());
        let desired = build_config(&full(), &origin(), "ignored").unwrap();
        assert_eq!(
            drifted_fields(&live, &desired),
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
        apply_managed(&mut live, desired.clone());
        assert_eq!(live.caller_reference, "original-ref");
        assert_eq!(live.web_acl_id.as_deref(), Some("waf-1"));
        assert!(drifted_fields(&live, &desired).is_empty());
    }
}
