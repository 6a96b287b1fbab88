//! cfm's origins, origin groups and cache behaviours as CloudFront's, and their merge into a
//! live configuration: cfm's own are replaced (an origin cfm no longer names is removed, and so
//! are the behaviours and groups its previous spec set), what was made outside cfm stays unless
//! it served only what is gone, and so do the settings of a live behaviour cfm does not manage
//! (function associations, response-headers policies, …).

use aws_sdk_cloudfront::types::{
    AllowedMethods as SdkAllowedMethods, CacheBehavior, CacheBehaviors, CachedMethods, CustomHeaders,
    CustomOriginConfig, DefaultCacheBehavior, DistributionConfig, Method, Origin, OriginCustomHeader, OriginGroup,
    OriginGroupFailoverCriteria, OriginGroupMember, OriginGroupMembers, OriginGroups, OriginProtocolPolicy,
    OriginSslProtocols, S3OriginConfig, SslProtocol, StatusCodes, ViewerProtocolPolicy,
};
use aws_smithy_types::error::operation::BuildError;
use cfm_domain::distribution::{CdnBehavior, CdnConfig, CdnOrigin, OriginAccess};
use cfm_domain::origin::CustomOrigin;
use cfm_domain::values::{Checked, OriginId};

/// Whether an id inside a distribution is a cfm origin's.
fn is_cfm_origin(id: &str) -> bool {
    OriginId::parse(id).is_ok()
}

fn custom_config(c: &CustomOrigin) -> Result<CustomOriginConfig, BuildError> {
    let protocols: Vec<SslProtocol> = c.minimum_tls_version.protocols().iter().map(|p| SslProtocol::from(*p)).collect();
    let protocols =
        OriginSslProtocols::builder().quantity(protocols.len() as i32).set_items(Some(protocols)).build()?;
    CustomOriginConfig::builder()
        .http_port(i32::from(c.http_port))
        .https_port(i32::from(c.https_port))
        .origin_protocol_policy(OriginProtocolPolicy::from(c.protocol_policy.as_str()))
        .origin_ssl_protocols(protocols)
        .origin_read_timeout(i32::from(c.read_timeout_seconds))
        .origin_keepalive_timeout(i32::from(c.keepalive_timeout_seconds))
        .build()
}

fn custom_headers(c: &CustomOrigin) -> Result<CustomHeaders, BuildError> {
    let items = c
        .custom_headers
        .iter()
        .map(|(name, value)| {
            OriginCustomHeader::builder().header_name(name.as_str()).header_value(value.expose()).build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    CustomHeaders::builder().quantity(items.len() as i32).set_items(Some(items).filter(|i| !i.is_empty())).build()
}

/// One origin; a live one with the same id keeps the connection settings cfm does not set.
fn origin(o: &CdnOrigin, keep: Option<&Origin>) -> Result<Origin, BuildError> {
    let base = keep.cloned().map_or_else(Origin::builder, |live| {
        Origin::builder()
            .set_origin_path(live.origin_path)
            .set_custom_headers(live.custom_headers)
            .set_connection_attempts(live.connection_attempts)
            .set_connection_timeout(live.connection_timeout)
            .set_origin_shield(live.origin_shield)
    });
    let base = base.id(&o.id).domain_name(&o.domain_name);
    match &o.access {
        OriginAccess::S3 { oac_id } => base
            .origin_access_control_id(oac_id.as_str())
            .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
            .build(),
        OriginAccess::S3Identity { oai_id } => base
            .origin_access_control_id("")
            .s3_origin_config(
                S3OriginConfig::builder()
                    .origin_access_identity(format!("origin-access-identity/cloudfront/{oai_id}"))
                    .build(),
            )
            .build(),
        OriginAccess::Custom(c) => base
            .origin_access_control_id("")
            .origin_path(c.origin_path.as_ref().map(|p| p.as_str()).unwrap_or_default())
            .custom_headers(custom_headers(c)?)
            .custom_origin_config(custom_config(c)?)
            .build(),
    }
}

/// The origins: cfm's, replaced or added; a cfm origin no longer named is removed; others stay.
pub(crate) fn origins(desired: &CdnConfig, live: &[Origin]) -> Result<Vec<Origin>, BuildError> {
    let mut kept: Vec<Origin> = live
        .iter()
        .filter(|o| !is_cfm_origin(o.id()) || desired.origins.iter().any(|d| d.id == o.id()))
        .cloned()
        .collect();
    for wanted in &desired.origins {
        match kept.iter_mut().find(|o| o.id() == wanted.id) {
            Some(existing) => *existing = origin(wanted, Some(existing))?,
            None => kept.push(origin(wanted, None)?),
        }
    }
    Ok(kept)
}

/// Gives the origin with `wanted`'s id its settings; a config without it is left alone.
pub(crate) fn replace_origin(config: &mut DistributionConfig, wanted: &CdnOrigin) -> Result<(), BuildError> {
    let Some(origins) = config.origins.as_mut() else { return Ok(()) };
    if let Some(existing) = origins.items.iter_mut().find(|o| o.id() == wanted.id) {
        *existing = origin(wanted, Some(existing))?;
    }
    Ok(())
}

fn group(g: &cfm_domain::distribution::OriginGroup) -> Result<OriginGroup, BuildError> {
    let codes: Vec<i32> = g.failover_status_codes.iter().map(|c| i32::from(*c)).collect();
    let codes = StatusCodes::builder().quantity(codes.len() as i32).set_items(Some(codes)).build()?;
    let members = [&g.primary_origin_id, &g.secondary_origin_id]
        .into_iter()
        .map(|id| OriginGroupMember::builder().origin_id(id.as_str()).build())
        .collect::<Result<Vec<_>, _>>()?;
    OriginGroup::builder()
        .id(g.id.as_str())
        .failover_criteria(OriginGroupFailoverCriteria::builder().status_codes(codes).build())
        .members(OriginGroupMembers::builder().quantity(2).set_items(Some(members)).build()?)
        .build()
}

/// The origin groups: cfm's, and live ones cfm did not set whose members all remain.
pub(crate) fn groups(
    desired: &CdnConfig,
    live: Option<&OriginGroups>,
    origins: &[Origin],
) -> Result<OriginGroups, BuildError> {
    let mut items = desired.origin_groups.iter().map(group).collect::<Result<Vec<_>, _>>()?;
    let theirs = live.map(|g| g.items()).unwrap_or_default().iter().filter(|g| {
        let members = g.members().map(|m| m.items()).unwrap_or_default();
        let ours =
            items.iter().any(|mine| mine.id() == g.id()) || desired.replaced.groups.iter().any(|id| id == g.id());
        !ours && members.iter().all(|m| origins.iter().any(|o| o.id() == m.origin_id()))
    });
    items.extend(theirs.cloned().collect::<Vec<_>>());
    OriginGroups::builder().quantity(items.len() as i32).set_items(Some(items).filter(|i| !i.is_empty())).build()
}

fn methods(behavior: &CdnBehavior) -> Result<SdkAllowedMethods, BuildError> {
    let allowed: Vec<Method> = behavior.allowed_methods.methods().iter().map(|m| Method::from(*m)).collect();
    let head = vec![Method::Get, Method::Head];
    let cached = CachedMethods::builder().quantity(head.len() as i32).set_items(Some(head)).build()?;
    SdkAllowedMethods::builder().quantity(allowed.len() as i32).set_items(Some(allowed)).cached_methods(cached).build()
}

/// Sets what cfm manages on a default or path behaviour (the SDK's two types share these fields).
macro_rules! manage {
    ($behavior:expr, $b:expr) => {{
        let (behavior, b) = ($behavior, $b);
        behavior.target_origin_id = b.target_origin_id.clone();
        behavior.viewer_protocol_policy = ViewerProtocolPolicy::from(b.viewer_protocol_policy.as_str());
        behavior.allowed_methods = Some(methods(b)?);
        behavior.cache_policy_id = Some(b.cache_policy_id.clone());
        behavior.origin_request_policy_id = b.origin_request_policy_id.clone();
        let (viewer, origin) = super::function::edge_arns(b.edge.as_ref());
        behavior.function_associations =
            super::function::associations(behavior.function_associations.as_ref(), viewer)?;
        behavior.lambda_function_associations =
            super::function::lambda_associations(behavior.lambda_function_associations.as_ref(), origin)?;
        behavior.compress = Some(b.compress);
    }};
}

/// The default behaviour, from a live one when there is one (keeping what cfm does not set).
pub(crate) fn default_behavior(
    b: &CdnBehavior,
    keep: Option<DefaultCacheBehavior>,
) -> Result<DefaultCacheBehavior, BuildError> {
    let mut behavior = match keep {
        Some(live) => live,
        None => DefaultCacheBehavior::builder()
            .target_origin_id(&b.target_origin_id)
            .viewer_protocol_policy(ViewerProtocolPolicy::from(b.viewer_protocol_policy.as_str()))
            .build()?,
    };
    manage!(&mut behavior, b);
    Ok(behavior)
}

/// The path behaviours: cfm's in its order (each from the live one with its pattern, if any),
/// then live ones cfm did not set whose target remains.
pub(crate) fn behaviors(
    desired: &CdnConfig,
    live: Option<&CacheBehaviors>,
    origins: &[Origin],
    groups: &OriginGroups,
) -> Result<CacheBehaviors, BuildError> {
    let live = live.map(|l| l.items()).unwrap_or_default();
    let mut items = Vec::new();
    for (pattern, b) in &desired.behaviors {
        let mut behavior = match live.iter().find(|l| l.path_pattern() == pattern) {
            Some(existing) => existing.clone(),
            None => CacheBehavior::builder()
                .path_pattern(pattern)
                .target_origin_id(&b.target_origin_id)
                .viewer_protocol_policy(ViewerProtocolPolicy::from(b.viewer_protocol_policy.as_str()))
                .build()?,
        };
        manage!(&mut behavior, b);
        items.push(behavior);
    }
    let remains =
        |target: &str| origins.iter().any(|o| o.id() == target) || groups.items().iter().any(|g| g.id() == target);
    let ours = |pattern: &str| {
        desired.behaviors.iter().any(|(p, _)| p == pattern) || desired.replaced.patterns.iter().any(|p| p == pattern)
    };
    items.extend(live.iter().filter(|l| !ours(l.path_pattern()) && remains(l.target_origin_id())).cloned());
    CacheBehaviors::builder().quantity(items.len() as i32).set_items(Some(items).filter(|i| !i.is_empty())).build()
}
