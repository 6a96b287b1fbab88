//! cfm's CloudFront shape ([`CdnConfig`]) to and from CloudFront's `DistributionConfig`: pure
//! functions, pinned by snapshot tests. [`merge`] puts what cfm manages onto a live config and
//! keeps everything else (origins and behaviours made outside cfm, function associations, WAF,
//! geo restrictions, …).

use aws_sdk_cloudfront::types::{
    Aliases, CustomErrorResponse, CustomErrorResponses, DistributionConfig, HttpVersion as SdkHttpVersion,
    LoggingConfig, MinimumProtocolVersion, Origins, PriceClass as SdkPriceClass, SslSupportMethod, Tag, Tags,
    ViewerCertificate,
};
use aws_smithy_types::error::operation::BuildError;
use cfm_domain::distribution::{CdnConfig, LiveSettings, route_lines};

use super::routes;

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
    let origins = routes::origins(config, &[])?;
    let groups = routes::groups(config, None, &origins)?;
    let behaviors = routes::behaviors(config, None, &origins, &groups)?;
    DistributionConfig::builder()
        .caller_reference(caller_reference)
        .origins(Origins::builder().quantity(origins.len() as i32).set_items(Some(origins)).build()?)
        .origin_groups(groups)
        .default_cache_behavior(routes::default_behavior(&config.default_behavior, None)?)
        .cache_behaviors(behaviors)
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

/// Puts what cfm manages from `desired` onto `live`: cfm's origins, groups and behaviours (see
/// [`routes`]; what was made outside cfm stays), the managed settings of the default behaviour
/// (its function associations and policies cfm does not set stay), and the distribution-wide
/// settings. WAF, geo restrictions and the caller reference are left as they are.
pub(crate) fn merge(live: &mut DistributionConfig, desired: &CdnConfig) -> Result<(), BuildError> {
    let origins = routes::origins(desired, live.origins.as_ref().map(|o| o.items()).unwrap_or_default())?;
    let groups = routes::groups(desired, live.origin_groups.as_ref(), &origins)?;
    live.cache_behaviors = Some(routes::behaviors(desired, live.cache_behaviors.as_ref(), &origins, &groups)?);
    live.origin_groups = Some(groups);
    live.origins = Some(Origins::builder().quantity(origins.len() as i32).set_items(Some(origins)).build()?);
    live.default_cache_behavior =
        Some(routes::default_behavior(&desired.default_behavior, live.default_cache_behavior.take())?);
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
        routes: route_lines(
            live.origins.as_ref().map(|o| o.items()).unwrap_or_default().iter().map(|o| o.id()),
            live.origin_groups.as_ref().map(|g| g.items()).unwrap_or_default().iter().map(|g| {
                let members = g.members().map(|m| m.items()).unwrap_or_default();
                (g.id(), members.iter().map(|m| m.origin_id()).collect::<Vec<_>>().join(" "))
            }),
            live.cache_behaviors
                .as_ref()
                .map(|b| b.items())
                .unwrap_or_default()
                .iter()
                .map(|b| (b.path_pattern(), b.target_origin_id())),
            behavior.map(|b| b.target_origin_id()).unwrap_or_default(),
        ),
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
