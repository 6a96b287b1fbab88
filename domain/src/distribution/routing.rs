//! Where a distribution sends requests: the origins it serves, origin groups that fail over
//! from one origin to another, and ordered cache behaviours by path pattern.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::request::check_unique;
use super::settings::{AllowedMethods, CachePolicy, ViewerProtocolPolicy};
use crate::policy::{PolicyKind, PolicyRef};
use crate::problems::{Problems, within};
use crate::values::{Checked, GroupId, OriginId, PathPattern};
use crate::vocabulary;
use crate::vocabulary::parse_setting;

/// CloudFront quotas per distribution (aws-facts.md §2.2): origins, cache behaviours, groups.
const MAX_ORIGINS: usize = 25;
const MAX_BEHAVIORS: usize = 25;
const MAX_GROUPS: usize = 10;

/// Status codes an origin group can fail over on.
const FAILOVER_CODES: &[u16] = &[400, 403, 404, 416, 500, 502, 503, 504];
const DEFAULT_FAILOVER: &[u16] = &[500, 502, 503, 504];

vocabulary!(
    /// CloudFront's managed origin-request policies, by name: what reaches the origin besides
    /// what the cache key holds.
    OriginRequestPolicy {
        /// Every viewer header, cookie and query string.
        AllViewer => "AllViewer",
        /// Every viewer header except Host (for API Gateway and Lambda URLs).
        AllViewerExceptHostHeader => "AllViewerExceptHostHeader",
        /// Viewer headers and CloudFront's own, e.g. `CloudFront-Viewer-Country`.
        AllViewerAndCloudFrontHeaders => "AllViewerAndCloudFrontHeaders-2022-06",
        /// The CORS headers an S3 origin needs.
        CorsS3Origin => "CORS-S3Origin",
        /// The CORS headers a custom origin needs.
        CorsCustomOrigin => "CORS-CustomOrigin",
        /// User-Agent and Referer.
        UserAgentRefererHeaders => "UserAgentRefererHeaders",
    }
);

impl OriginRequestPolicy {
    /// The managed policy's id (CloudFront's published ids).
    pub fn id(self) -> &'static str {
        match self {
            Self::AllViewer => "216adef6-5c7f-47e4-b989-5492eafa07d3",
            Self::AllViewerExceptHostHeader => "b689b0a8-53d0-40ab-baf2-68738e2966ac",
            Self::AllViewerAndCloudFrontHeaders => "33f36d7e-f396-46d9-90e0-52428a34d9dc",
            Self::CorsS3Origin => "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
            Self::CorsCustomOrigin => "59781a5b-3903-41f3-afcb-af62929ccde1",
            Self::UserAgentRefererHeaders => "acba4595-bd28-49b8-b9fe-13317c0390fa",
        }
    }
}

/// A behaviour's cache policy: a managed one by name, or a cfm cache policy by id.
pub type CachePolicyRef = PolicyRef<CachePolicy>;
/// A behaviour's origin-request policy: a managed one by name, or a cfm one by id.
pub type OriginRequestPolicyRef = PolicyRef<OriginRequestPolicy>;

impl OriginRequestPolicy {
    /// Whether it sends the viewer's `Host` header to the origin, which breaks the signature
    /// an S3 origin's OAC checks.
    pub fn forwards_host(self) -> bool {
        matches!(self, Self::AllViewer | Self::AllViewerAndCloudFrontHeaders)
    }
}

/// Where a behaviour sends requests: one origin, or an origin group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Target {
    /// One of the distribution's origins.
    OriginId(OriginId),
    /// One of its origin groups.
    OriginGroupId(GroupId),
}

impl Target {
    /// The id CloudFront knows it by inside the distribution.
    pub fn id(&self) -> &str {
        match self {
            Self::OriginId(id) => id.as_str(),
            Self::OriginGroupId(id) => id.as_str(),
        }
    }
}

/// A cache behaviour: requests matching `pathPattern` go to its target with these settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Behavior {
    /// The path pattern, e.g. `/api/*`.
    pub path_pattern: PathPattern,
    /// Where matching requests go.
    #[serde(flatten)]
    pub target: Target,
    /// Viewer protocol policy.
    pub viewer_protocol_policy: ViewerProtocolPolicy,
    /// Allowed methods.
    pub allowed_methods: AllowedMethods,
    /// Cache policy.
    pub cache_policy: CachePolicyRef,
    /// Origin-request policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_request_policy: Option<OriginRequestPolicyRef>,
    /// Compress responses.
    pub compress: bool,
}

/// Two origins, the second serving when the first answers a failover status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginGroup {
    /// Its id inside the distribution.
    pub id: GroupId,
    /// The origin tried first.
    pub primary_origin_id: OriginId,
    /// The origin tried when the primary fails.
    pub secondary_origin_id: OriginId,
    /// The statuses that fail over.
    pub failover_status_codes: Vec<u16>,
}

/// A cache behaviour, as a user writes it. Unset settings take cfm's defaults
/// (redirect-to-https, GET_HEAD, CachingOptimized, compress).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BehaviorRequest {
    /// The path pattern, e.g. `/api/*` or `*.jpg`.
    #[serde(default)]
    pub path_pattern: String,
    /// The origin it serves from (one of the distribution's `origins`)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_id: Option<String>,
    /// ...or the origin group (one of its `originGroups`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_group_id: Option<String>,
    /// `allow-all`, `redirect-to-https` or `https-only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer_protocol_policy: Option<String>,
    /// `GET_HEAD`, `GET_HEAD_OPTIONS` or `ALL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_methods: Option<String>,
    /// A managed cache policy by name, or a cfm cache policy's id (`cp-…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_policy: Option<String>,
    /// A managed origin-request policy by name, or a cfm one's id (`orp-…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_request_policy: Option<String>,
    /// Compress responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
}

/// An origin group, as a user writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OriginGroupRequest {
    /// Its id, e.g. `assets-failover`.
    #[serde(default)]
    pub id: String,
    /// The origin tried first.
    #[serde(default)]
    pub primary_origin_id: String,
    /// The origin tried when the primary answers a failover status.
    #[serde(default)]
    pub secondary_origin_id: String,
    /// Statuses that fail over (default 500, 502, 503, 504).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover_status_codes: Option<Vec<i64>>,
}

fn codes_allowed() -> String {
    FAILOVER_CODES.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
}

/// Parses one target from an `originId`/`originGroupId` pair: exactly one must be given.
pub(crate) fn parse_target(
    p: &mut Problems,
    at: &str,
    (origin_field, origin): (&str, Option<&String>),
    (group_field, group): (&str, Option<&String>),
) -> Option<Target> {
    match (origin, group) {
        (Some(_), Some(_)) => {
            p.add(format!("{at}{group_field}"), format!("give {origin_field} or {group_field}, not both"));
            None
        }
        (Some(o), None) => OriginId::parse_into(p, &format!("{at}{origin_field}"), o).map(Target::OriginId),
        (None, Some(g)) => GroupId::parse_into(p, &format!("{at}{group_field}"), g).map(Target::OriginGroupId),
        (None, None) => None,
    }
}

/// Parses the origins list: bounded, each an origin id, none twice.
pub(crate) fn parse_origins(p: &mut Problems, origins: &[String]) -> Vec<OriginId> {
    if !within(p, "origins", origins.len(), MAX_ORIGINS) {
        return Vec::new();
    }
    p.check(origins.is_empty(), "origins", "must list at least one origin");
    check_unique(p, "origins", origins.iter().map(String::as_str));
    origins.iter().enumerate().filter_map(|(i, o)| OriginId::parse_into(p, &format!("origins[{i}]"), o)).collect()
}

/// Parses cache behaviours: bounded, each pattern once.
pub(crate) fn parse_behaviors(p: &mut Problems, behaviors: &[BehaviorRequest]) -> Vec<Behavior> {
    if !within(p, "behaviors", behaviors.len(), MAX_BEHAVIORS) {
        return Vec::new();
    }
    check_unique(p, "behaviors", behaviors.iter().map(|b| b.path_pattern.as_str()));
    let mut parsed = Vec::new();
    for (i, b) in behaviors.iter().enumerate() {
        let at = format!("behaviors[{i}].");
        let pattern = PathPattern::parse_into(p, &format!("{at}pathPattern"), &b.path_pattern);
        let origin = ("originId", b.origin_id.as_ref());
        let target = parse_target(p, &at, origin, ("originGroupId", b.origin_group_id.as_ref()));
        p.check(
            b.origin_id.is_none() && b.origin_group_id.is_none(),
            format!("{at}originId"),
            "give originId or originGroupId",
        );
        let field = |f: &str| format!("{at}{f}");
        let behavior = Behavior {
            path_pattern: match pattern {
                Some(pattern) => pattern,
                None => continue,
            },
            target: match target {
                Some(target) => target,
                None => continue,
            },
            viewer_protocol_policy: parse_setting(p, &field("viewerProtocolPolicy"), &b.viewer_protocol_policy)
                .unwrap_or(ViewerProtocolPolicy::RedirectToHttps),
            allowed_methods: parse_setting(p, &field("allowedMethods"), &b.allowed_methods)
                .unwrap_or(AllowedMethods::GetHead),
            cache_policy: PolicyRef::parse_setting(p, &field("cachePolicy"), PolicyKind::Cache, &b.cache_policy)
                .unwrap_or(PolicyRef::Managed(CachePolicy::Optimized)),
            origin_request_policy: PolicyRef::parse_setting(
                p,
                &field("originRequestPolicy"),
                PolicyKind::OriginRequest,
                &b.origin_request_policy,
            ),
            compress: b.compress.unwrap_or(true),
        };
        parsed.push(behavior);
    }
    parsed
}

/// Parses origin groups: bounded, each id once, two different origins, known failover codes.
pub(crate) fn parse_groups(p: &mut Problems, groups: &[OriginGroupRequest]) -> Vec<OriginGroup> {
    if !within(p, "originGroups", groups.len(), MAX_GROUPS) {
        return Vec::new();
    }
    check_unique(p, "originGroups", groups.iter().map(|g| g.id.as_str()));
    let mut parsed = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let at = |f: &str| format!("originGroups[{i}].{f}");
        let id = GroupId::parse_into(p, &at("id"), &g.id);
        let primary = OriginId::parse_into(p, &at("primaryOriginId"), &g.primary_origin_id);
        let secondary = OriginId::parse_into(p, &at("secondaryOriginId"), &g.secondary_origin_id);
        p.check(
            !g.primary_origin_id.is_empty() && g.primary_origin_id == g.secondary_origin_id,
            at("secondaryOriginId"),
            "must differ from primaryOriginId: an origin group fails over between two origins",
        );
        let codes = match &g.failover_status_codes {
            None => DEFAULT_FAILOVER.to_vec(),
            Some(codes) if within(p, &at("failoverStatusCodes"), codes.len(), FAILOVER_CODES.len()) => {
                p.check(codes.is_empty(), at("failoverStatusCodes"), "must list at least one status");
                let mut seen = Vec::new();
                for (j, code) in codes.iter().enumerate() {
                    let ok = u16::try_from(*code).ok().filter(|c| FAILOVER_CODES.contains(c));
                    match ok {
                        Some(c) if seen.contains(&c) => {
                            p.add(format!("{}[{j}]", at("failoverStatusCodes")), format!("{c} is listed twice"))
                        }
                        Some(c) => seen.push(c),
                        None => p.add(
                            format!("{}[{j}]", at("failoverStatusCodes")),
                            format!("{code} cannot fail over (allowed: {})", codes_allowed()),
                        ),
                    }
                }
                seen
            }
            Some(_) => Vec::new(),
        };
        if let (Some(id), Some(primary_origin_id), Some(secondary_origin_id)) = (id, primary, secondary) {
            parsed.push(OriginGroup { id, primary_origin_id, secondary_origin_id, failover_status_codes: codes });
        }
    }
    parsed
}

/// The routes of a complete spec.
pub(crate) struct Routes<'a> {
    pub(crate) origins: &'a [OriginId],
    pub(crate) default_target: &'a Target,
    pub(crate) default_methods: AllowedMethods,
    pub(crate) behaviors: &'a [Behavior],
    pub(crate) groups: &'a [OriginGroup],
}

impl Routes<'_> {
    /// The rules between routes: every target is one of the distribution's origins or groups,
    /// group members are its origins, and a target that fails over allows only the methods
    /// CloudFront can fail over (GET, HEAD, OPTIONS).
    pub(crate) fn check(&self, p: &mut Problems) {
        let known = |t: &Target| match t {
            Target::OriginId(id) => self.origins.contains(id),
            Target::OriginGroupId(id) => self.groups.iter().any(|g| &g.id == id),
        };
        let describe = |t: &Target| match t {
            Target::OriginId(id) => format!("{id} is not one of this distribution's origins"),
            Target::OriginGroupId(id) => format!("{id} is not one of this distribution's originGroups"),
        };
        let field = |t: &Target| match t {
            Target::OriginId(_) => "originId",
            Target::OriginGroupId(_) => "originGroupId",
        };
        let default_field = match self.default_target {
            Target::OriginId(_) => "defaultOriginId",
            Target::OriginGroupId(_) => "defaultOriginGroupId",
        };
        p.check(!known(self.default_target), default_field, describe(self.default_target));
        let fails_over =
            |t: &Target, m: AllowedMethods| matches!(t, Target::OriginGroupId(_)) && m == AllowedMethods::All;
        let methods = "origin groups fail over only GET, HEAD and OPTIONS: use GET_HEAD or GET_HEAD_OPTIONS";
        p.check(fails_over(self.default_target, self.default_methods), "allowedMethods", methods);
        for (i, b) in self.behaviors.iter().enumerate() {
            p.check(!known(&b.target), format!("behaviors[{i}].{}", field(&b.target)), describe(&b.target));
            p.check(fails_over(&b.target, b.allowed_methods), format!("behaviors[{i}].allowedMethods"), methods);
        }
        for (i, g) in self.groups.iter().enumerate() {
            for (name, member) in
                [("primaryOriginId", &g.primary_origin_id), ("secondaryOriginId", &g.secondary_origin_id)]
            {
                let missing = !self.origins.contains(member);
                p.check(
                    missing,
                    format!("originGroups[{i}].{name}"),
                    format!("{member} is not one of this distribution's origins"),
                );
            }
        }
    }
}
