//! The distribution as cfm wants CloudFront to have it, in cfm's own terms: built from a spec
//! and its origins' records by a pure function. The AWS adapter alone maps it to CloudFront's
//! `DistributionConfig` (and merges it into a live one, keeping what cfm does not manage).
//! What CloudFront has is read back as [`LiveSettings`], and drift is the difference.

use super::draft::{DistributionSpec, ViewerCertificate};
use super::record::DeployStatus;
use super::routing::{Behavior, CachePolicyRef, OriginGroup, OriginRequestPolicyRef};
use super::settings::{AllowedMethods, ErrorResponse, HttpVersion, Logging, PriceClass, ViewerProtocolPolicy};
use crate::claim::Busy;
use crate::edge::{EdgeBinding, RoutingMode};
use crate::origin::{CustomOrigin, OriginKind, OriginRecord};
use crate::policy::{PolicyRecord, PolicyRef};
use crate::values::{CloudFrontId, DistributionId, Hostname, OacId, OaiId, ObjectKey};

/// The tag naming the cfm distribution on the CloudFront resource.
pub const DISTRIBUTION_TAG: &str = "cfm:distribution-id";

/// How CloudFront reaches an origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginAccess {
    /// A bucket, with the Origin Access Control that signs CloudFront's requests to it.
    S3 {
        /// The OAC.
        oac_id: OacId,
    },
    /// A bucket reached through the distribution's Origin Access Identity (Lambda@Edge).
    S3Identity {
        /// The OAI.
        oai_id: OaiId,
    },
    /// A custom origin's connection settings.
    Custom(Box<CustomOrigin>),
}

/// An origin of the distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdnOrigin {
    /// Its id inside the distribution (cfm uses the origin's id).
    pub id: String,
    /// The bucket's regional REST domain, or the custom origin's domain.
    pub domain_name: String,
    /// How CloudFront reaches it.
    pub access: OriginAccess,
}

impl CdnOrigin {
    /// The origin as CloudFront reaches it; only a ready origin can serve.
    pub fn of(origin: &OriginRecord) -> Result<Self, Busy> {
        origin.ready()?;
        let (domain_name, access) = match (&origin.kind, &origin.oac_id) {
            (OriginKind::S3(bucket), Some(oac)) => (bucket.regional_domain(), OriginAccess::S3 { oac_id: oac.clone() }),
            (OriginKind::Custom(custom), _) => {
                (custom.domain_name.as_str().to_owned(), OriginAccess::Custom(Box::new(custom.clone())))
            }
            (OriginKind::S3(_), None) => return Err(Busy(format!("origin {} has no OAC yet", origin.id))),
        };
        Ok(Self { id: origin.id.as_str().to_owned(), domain_name, access })
    }
}

/// How CloudFront serves requests of one behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdnBehavior {
    /// The origin or origin group it serves from.
    pub target_origin_id: String,
    /// Viewer protocol policy.
    pub viewer_protocol_policy: ViewerProtocolPolicy,
    /// Allowed methods.
    pub allowed_methods: AllowedMethods,
    /// CloudFront's id of its cache policy.
    pub cache_policy_id: String,
    /// CloudFront's id of its origin-request policy.
    pub origin_request_policy_id: Option<String>,
    /// The edge function cfm runs, if any.
    pub edge: Option<EdgeAssociation>,
    /// Compress responses.
    pub compress: bool,
}

/// An edge function on a behaviour: a CloudFront Function on viewer request, or a Lambda@Edge
/// version on origin request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeAssociation {
    /// Which kind of function.
    pub mode: RoutingMode,
    /// The function's ARN (LIVE), or the version's.
    pub arn: String,
}

/// CloudFront's ids of the policies a spec names: managed ones by their published ids, cfm
/// ones from their records (each must be ready).
struct PolicyIds<'a>(&'a [PolicyRecord]);

impl PolicyIds<'_> {
    fn cache(&self, policy: &CachePolicyRef) -> Result<String, Busy> {
        match policy {
            PolicyRef::Managed(managed) => Ok(managed.id().to_owned()),
            PolicyRef::Own(id) => self.own(id),
        }
    }

    fn origin_request(&self, policy: &Option<OriginRequestPolicyRef>) -> Result<Option<String>, Busy> {
        match policy {
            None => Ok(None),
            Some(PolicyRef::Managed(managed)) => Ok(Some(managed.id().to_owned())),
            Some(PolicyRef::Own(id)) => self.own(id).map(Some),
        }
    }

    fn own(&self, id: &crate::policy::PolicyId) -> Result<String, Busy> {
        match self.0.iter().find(|p| &p.id == id) {
            Some(policy) => policy.ready().map(str::to_owned),
            None => Err(Busy(format!("{} {id} does not exist", id.kind().noun()))),
        }
    }

    fn behavior(&self, b: &Behavior) -> Result<(String, CdnBehavior), Busy> {
        let behavior = CdnBehavior {
            target_origin_id: b.target.id().to_owned(),
            viewer_protocol_policy: b.viewer_protocol_policy,
            allowed_methods: b.allowed_methods,
            cache_policy_id: self.cache(&b.cache_policy)?,
            origin_request_policy_id: self.origin_request(&b.origin_request_policy)?,
            edge: None,
            compress: b.compress,
        };
        Ok((b.path_pattern.as_str().to_owned(), behavior))
    }
}

/// What cfm managed before a change, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replaced {
    /// Path patterns of behaviours.
    pub patterns: Vec<String>,
    /// Origin group ids.
    pub groups: Vec<String>,
}

/// Everything cfm manages on a CloudFront distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdnConfig {
    /// The origins cfm manages (origins made outside cfm on a live distribution are kept).
    pub origins: Vec<CdnOrigin>,
    /// Origin groups.
    pub origin_groups: Vec<OriginGroup>,
    /// The default behaviour's managed settings.
    pub default_behavior: CdnBehavior,
    /// Path behaviours in order, by path pattern.
    pub behaviors: Vec<(String, CdnBehavior)>,
    /// The path patterns and group ids cfm set before this change: gone from the spec, they go
    /// from CloudFront too (others made outside cfm stay).
    pub replaced: Replaced,
    /// Alternate domain names.
    pub aliases: Vec<Hostname>,
    /// The viewer certificate; `None` is CloudFront's default one.
    pub certificate: Option<ViewerCertificate>,
    /// Object served for `/`.
    pub default_root_object: Option<ObjectKey>,
    /// Custom error responses.
    pub error_responses: Vec<ErrorResponse>,
    /// Access logging.
    pub logging: Option<Logging>,
    /// CloudFront's comment.
    pub comment: String,
    /// Serving traffic.
    pub enabled: bool,
    /// Price class.
    pub price_class: PriceClass,
    /// HTTP versions.
    pub http_version: HttpVersion,
    /// IPv6 (always on).
    pub ipv6: bool,
}

impl CdnConfig {
    /// What `spec`, served from `origins` with `policies` (the records of every origin and cfm
    /// policy it names), asks of CloudFront. One missing or not ready is refused.
    pub fn desired(spec: &DistributionSpec, origins: &[OriginRecord], policies: &[PolicyRecord]) -> Result<Self, Busy> {
        let policies = PolicyIds(policies);
        let origins = spec
            .origins
            .iter()
            .map(|id| match origins.iter().find(|o| &o.id == id) {
                Some(origin) => CdnOrigin::of(origin),
                None => Err(Busy(format!("origin {id} does not exist"))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            origins,
            origin_groups: spec.origin_groups.clone(),
            default_behavior: CdnBehavior {
                target_origin_id: spec.default_target.id().to_owned(),
                viewer_protocol_policy: spec.viewer_protocol_policy,
                allowed_methods: spec.allowed_methods,
                cache_policy_id: policies.cache(&spec.cache_policy)?,
                origin_request_policy_id: policies.origin_request(&spec.origin_request_policy)?,
                edge: None,
                compress: spec.compress,
            },
            behaviors: spec.behaviors.iter().map(|b| policies.behavior(b)).collect::<Result<_, _>>()?,
            replaced: Replaced::default(),
            aliases: spec.aliases.clone(),
            certificate: spec.certificate.clone(),
            default_root_object: spec.default_root_object.clone(),
            error_responses: spec.custom_error_responses.clone(),
            logging: spec.logging.clone(),
            comment: spec.cloudfront_comment().to_owned(),
            enabled: spec.enabled,
            price_class: spec.price_class,
            http_version: spec.http_version,
            ipv6: true,
        })
    }

    /// The same, with the default behaviour running `edge`'s function, and every bucket
    /// reached through `identity` when the distribution has one (Lambda@Edge).
    pub fn routed(mut self, edge: Option<&EdgeBinding>, identity: Option<&OaiId>) -> Self {
        self.default_behavior.edge = edge.map(|e| EdgeAssociation { mode: e.mode, arn: e.arn.clone() });
        if let Some(oai_id) = identity {
            for origin in &mut self.origins {
                if matches!(origin.access, OriginAccess::S3 { .. }) {
                    origin.access = OriginAccess::S3Identity { oai_id: oai_id.clone() };
                }
            }
        }
        self
    }

    /// The same, replacing what `previous` (the spec applied before) set.
    pub fn replacing(mut self, previous: &DistributionSpec) -> Self {
        self.replaced = Replaced {
            patterns: previous.behaviors.iter().map(|b| b.path_pattern.as_str().to_owned()).collect(),
            groups: previous.origin_groups.iter().map(|g| g.id.as_str().to_owned()).collect(),
        };
        self
    }

    /// The settings drift detection compares.
    pub fn settings(&self) -> LiveSettings {
        LiveSettings {
            comment: self.comment.clone(),
            enabled: self.enabled,
            aliases: self.aliases.iter().map(|a| a.as_str().to_owned()).collect(),
            default_root_object: self.default_root_object.as_ref().map(|o| o.as_str().to_owned()).unwrap_or_default(),
            price_class: self.price_class.as_str().to_owned(),
            http_version: self.http_version.as_str().to_owned(),
            viewer_protocol_policy: self.default_behavior.viewer_protocol_policy.as_str().to_owned(),
            cache_policy_id: Some(self.default_behavior.cache_policy_id.clone()),
            routes: route_lines(
                self.origins.iter().map(|o| o.id.as_str()),
                self.origin_groups
                    .iter()
                    .map(|g| (g.id.as_str(), [g.primary_origin_id.as_str(), g.secondary_origin_id.as_str()].join(" "))),
                self.behaviors.iter().map(|(p, b)| (p.as_str(), b.target_origin_id.as_str())),
                &self.default_behavior.target_origin_id,
            ),
        }
    }
}

/// Where requests go, one line per origin, group and behaviour, as drift compares them:
/// `origin <id>`, `group <id> <members>`, `<pattern> -> <target>`, `* -> <target>`.
pub fn route_lines<'a>(
    origins: impl Iterator<Item = &'a str>,
    groups: impl Iterator<Item = (&'a str, String)>,
    behaviors: impl Iterator<Item = (&'a str, &'a str)>,
    default_target: &str,
) -> Vec<String> {
    let mut lines: Vec<String> = origins.map(|id| format!("origin {id}")).collect();
    lines.sort();
    let mut groups: Vec<String> = groups.map(|(id, members)| format!("group {id} {members}")).collect();
    groups.sort();
    lines.extend(groups);
    lines.extend(behaviors.map(|(pattern, target)| format!("{pattern} -> {target}")));
    lines.push(format!("* -> {default_target}"));
    lines
}

/// The distribution's tags: the spec's plus the cfm id.
pub fn tags(spec: &DistributionSpec, id: &DistributionId) -> Vec<(String, String)> {
    let mut tags = vec![(DISTRIBUTION_TAG.to_owned(), id.as_str().to_owned())];
    tags.extend(spec.tags.iter().map(|(k, v)| (k.as_str().to_owned(), v.as_str().to_owned())));
    tags
}

/// Managed settings as CloudFront has them, spelled as CloudFront spells them (a value cfm
/// does not know, set outside cfm, is still compared).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveSettings {
    /// Comment.
    pub comment: String,
    /// Serving traffic.
    pub enabled: bool,
    /// Alternate domain names.
    pub aliases: Vec<String>,
    /// Object served for `/` (empty if none).
    pub default_root_object: String,
    /// Price class.
    pub price_class: String,
    /// HTTP versions.
    pub http_version: String,
    /// The default behaviour's viewer protocol policy.
    pub viewer_protocol_policy: String,
    /// The default behaviour's cache policy id.
    pub cache_policy_id: Option<String>,
    /// Where requests go ([`route_lines`]).
    pub routes: Vec<String>,
}

/// A distribution as CloudFront's list shows it: enough to tell whether its config changed
/// since cfm last read it, without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedDistribution {
    /// CloudFront's id.
    pub id: CloudFrontId,
    /// `InProgress` or `Deployed`.
    pub status: DeployStatus,
    /// Changes whenever its config does (CloudFront's `LastModifiedTime`).
    pub revision: String,
}

/// A distribution as CloudFront has it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveDistribution {
    /// `InProgress` or `Deployed`.
    pub status: DeployStatus,
    /// The caller reference it was created with.
    pub caller_reference: String,
    /// Its managed settings.
    pub settings: LiveSettings,
}

/// The spec-level settings where `live` differs from `desired` (what drift detection reports).
pub fn drifted(live: &LiveSettings, desired: &LiveSettings) -> Vec<String> {
    let sorted = |a: &[String]| {
        let mut a = a.to_vec();
        a.sort();
        a
    };
    let behaviour = |s: &LiveSettings| (s.viewer_protocol_policy.clone(), s.cache_policy_id.clone());
    let checks = [
        ("comment", live.comment != desired.comment),
        ("enabled", live.enabled != desired.enabled),
        ("aliases", sorted(&live.aliases) != sorted(&desired.aliases)),
        ("defaultRootObject", live.default_root_object != desired.default_root_object),
        ("priceClass", live.price_class != desired.price_class),
        ("httpVersion", live.http_version != desired.http_version),
        ("viewerProtocolPolicy/cachePolicy", behaviour(live) != behaviour(desired)),
        ("routes", live.routes != desired.routes),
    ];
    checks.into_iter().filter(|(_, differs)| *differs).map(|(field, _)| field.to_owned()).collect()
}
