//! cfm's CloudFront shape ([`CdnConfig`]) to and from CloudFront's `DistributionConfig`: pure
//! functions, pinned by snapshot tests. [`merge`] puts what cfm manages onto a live config and
//! keeps everything else (origins and behaviours made outside cfm, function associations, WAF,
//! geo restrictions, …).

use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods as SdkAllowedMethods, CachedMethods, CustomErrorResponse, CustomErrorResponses,
    DefaultCacheBehavior, DistributionConfig, HttpVersion as SdkHttpVersion, LoggingConfig, Method,
    MinimumProtocolVersion, Origin, Origins, PriceClass as SdkPriceClass, S3OriginConfig, SslSupportMethod, Tag, Tags,
    ViewerCertificate, ViewerProtocolPolicy as SdkViewerProtocolPolicy,
};
use aws_smithy_types::error::operation::BuildError;
use cfm_domain::distribution::{CdnBehavior, CdnConfig, CdnOrigin, LiveSettings};

fn origin(o: &CdnOrigin, keep: Option<&Origin>) -> Result<Origin, BuildError> {
    let s3 = S3OriginConfig::builder().origin_access_identity("").build();
    let base = keep.cloned().map_or_else(Origin::builder, |live| {
        Origin::builder()
            .set_origin_path(live.origin_path)
            .set_custom_headers(live.custom_headers)
            .set_connection_attempts(live.connection_attempts)
            .set_connection_timeout(live.connection_timeout)
            .set_origin_shield(live.origin_shield)
    });
    base.id(&o.id).domain_name(&o.domain_name).origin_access_control_id(o.oac_id.as_str()).s3_origin_config(s3).build()
}

fn methods(behavior: &CdnBehavior) -> Result<SdkAllowedMethods, BuildError> {
    let allowed: Vec<Method> = behavior.allowed_methods.methods().iter().map(|m| Method::from(*m)).collect();
    let head = vec![Method::Get, Method::Head];
    let cached = CachedMethods::builder().quantity(head.len() as i32).set_items(Some(head)).build()?;
    SdkAllowedMethods::builder().quantity(allowed.len() as i32).set_items(Some(allowed)).cached_methods(cached).build()
}

fn behavior(b: &CdnBehavior, keep: Option<DefaultCacheBehavior>) -> Result<DefaultCacheBehavior, BuildError> {
    let Some(mut behavior) = keep else {
        return DefaultCacheBehavior::builder()
            .target_origin_id(&b.target_origin_id)
            .viewer_protocol_policy(SdkViewerProtocolPolicy::from(b.viewer_protocol_policy.as_str()))
            .allowed_methods(methods(b)?)
            .cache_policy_id(b.cache_policy.id())
            .compress(b.compress)
            .build();
    };
    behavior.target_origin_id = b.target_origin_id.clone();
    behavior.viewer_protocol_policy = SdkViewerProtocolPolicy::from(b.viewer_protocol_policy.as_str());
    behavior.allowed_methods = Some(methods(b)?);
    behavior.cache_policy_id = Some(b.cache_policy.id().to_owned());
    behavior.compress = Some(b.compress);
    Ok(behavior)
}

fn certificate(config: &CdnConfig) -> ViewerCertificate {
    match &config.certificate {
        Some(c) => ViewerCertificate::builder()
            .acm_certificate_arn(c.certificate_arn.as_str())
            .ssl_support_method(SslSupportMethod::SniOnly)
            .minimum_protocol_version(MinimumProtocolVersion::from(c.minimum_protocol_version.as_str()))
            .build(),
        None => ViewerCertificate::builder().cloud_front_default_certificate(true).build(),
    }
}

fn aliases(config: &CdnConfig) -> Result<Aliases, BuildError> {
    let items: Vec<String> = config.aliases.iter().map(|a| a.as_str().to_owned()).collect();
    Aliases::builder().quantity(items.len() as i32).set_items(Some(items).filter(|a| !a.is_empty())).build()
}

fn error_responses(config: &CdnConfig) -> Result<Option<CustomErrorResponses>, BuildError> {
    if config.error_responses.is_empty() {
        return Ok(None);
    }
    let mut items = Vec::new();
    for r in &config.error_responses {
        let page = r.replacement.as_ref();
        items.push(
            CustomErrorResponse::builder()
                .error_code(i32::from(r.error_code))
                .set_response_code(page.map(|p| p.response_code.to_string()))
                .set_response_page_path(page.and_then(|p| p.response_page_path.clone()))
                .set_error_caching_min_ttl(r.error_caching_min_ttl.map(i64::from))
                .build()?,
        );
    }
    Ok(Some(CustomErrorResponses::builder().quantity(items.len() as i32).set_items(Some(items)).build()?))
}

fn logging(config: &CdnConfig) -> Option<LoggingConfig> {
    config.logging.as_ref().map(|l| {
        LoggingConfig::builder()
            .enabled(true)
            .include_cookies(l.include_cookies)
            .bucket(&l.bucket)
            .prefix(&l.prefix)
            .build()
    })
}

/// The configuration for a new distribution.
pub(crate) fn build(config: &CdnConfig, caller_reference: &str) -> Result<DistributionConfig, BuildError> {
    let origins: Vec<Origin> = config.origins.iter().map(|o| origin(o, None)).collect::<Result<_, _>>()?;
    DistributionConfig::builder()
        .caller_reference(caller_reference)
        .origins(Origins::builder().quantity(origins.len() as i32).set_items(Some(origins)).build()?)
        .default_cache_behavior(behavior(&config.default_behavior, None)?)
        .comment(&config.comment)
        .enabled(config.enabled)
        .price_class(SdkPriceClass::from(config.price_class.as_str()))
        .http_version(SdkHttpVersion::from(config.http_version.as_str()))
        .is_ipv6_enabled(config.ipv6)
        .aliases(aliases(config)?)
        .viewer_certificate(certificate(config))
        .default_root_object(config.default_root_object.as_ref().map(|o| o.as_str()).unwrap_or_default())
        .set_custom_error_responses(error_responses(config)?)
        .set_logging(logging(config))
        .build()
}

/// Puts what cfm manages from `desired` onto `live`: cfm's origins (by id; other origins
/// stay), the default behaviour's managed settings (its function associations and policies
/// cfm does not set stay), and the distribution-wide settings. Path behaviours, WAF, geo
/// restrictions and the caller reference are left as they are.
pub(crate) fn merge(live: &mut DistributionConfig, desired: &CdnConfig) -> Result<(), BuildError> {
    let mut origins: Vec<Origin> = live.origins.as_ref().map(|o| o.items().to_vec()).unwrap_or_default();
    for wanted in &desired.origins {
        match origins.iter_mut().find(|o| o.id() == wanted.id) {
            Some(existing) => *existing = origin(wanted, Some(existing))?,
            None => origins.push(origin(wanted, None)?),
        }
    }
    live.origins = Some(Origins::builder().quantity(origins.len() as i32).set_items(Some(origins)).build()?);
    live.default_cache_behavior = Some(behavior(&desired.default_behavior, live.default_cache_behavior.take())?);
    live.aliases = Some(aliases(desired)?);
    live.default_root_object =
        Some(desired.default_root_object.as_ref().map(|o| o.as_str().to_owned()).unwrap_or_default());
    live.custom_error_responses = error_responses(desired)?;
    live.comment = desired.comment.clone();
    live.logging = logging(desired);
    live.price_class = Some(SdkPriceClass::from(desired.price_class.as_str()));
    live.enabled = desired.enabled;
    live.viewer_certificate = Some(certificate(desired));
    live.http_version = Some(SdkHttpVersion::from(desired.http_version.as_str()));
    live.is_ipv6_enabled = Some(desired.ipv6);
    Ok(())
}

/// The managed settings of a live configuration, spelled as CloudFront spells them.
pub(crate) fn settings(live: &DistributionConfig) -> LiveSettings {
    let behavior = live.default_cache_behavior.as_ref();
    LiveSettings {
        comment: live.comment.clone(),
        enabled: live.enabled,
        aliases: live.aliases.as_ref().map(|a| a.items().to_vec()).unwrap_or_default(),
        default_root_object: live.default_root_object.clone().unwrap_or_default(),
        price_class: live.price_class.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
        http_version: live.http_version.as_ref().map(|h| h.as_str().to_owned()).unwrap_or_default(),
        viewer_protocol_policy: behavior.map(|b| b.viewer_protocol_policy.as_str().to_owned()).unwrap_or_default(),
        cache_policy_id: behavior.and_then(|b| b.cache_policy_id.clone()),
    }
}

/// CloudFront tags.
pub(crate) fn tags(tags: &[(String, String)]) -> Result<Tags, BuildError> {
    let items = tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect::<Result<Vec<_>, _>>()?;
    Ok(Tags::builder().set_items(Some(items)).build())
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
