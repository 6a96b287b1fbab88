//! Distribution specs that hold: a [`DistributionDraft`] (every field optional, parsed: what a
//! template, its overrides and an update carry) and a complete [`DistributionSpec`] (what a
//! distribution is made from: every setting decided, defaults filled in once).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::alarm::Alarms;
use super::routing::{Behavior, CachePolicyRef, OriginGroup, OriginRequestPolicyRef, Routes, Target};
use super::settings::{
    AllowedMethods, CachePolicy, ErrorResponse, HttpVersion, Logging, PriceClass, TlsVersion, ViewerProtocolPolicy,
};
use crate::bucket_policy::Access;
use crate::edge::{Routing, RoutingMode};
use crate::problems::Problems;
use crate::values::{CertificateArn, Comment, DisplayName, Hostname, ObjectKey, OriginId, TagKey, TagValue};

/// Parsed spec fields, every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDraft {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<DisplayName>,
    /// The origins it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origins: Option<Vec<OriginId>>,
    /// Where the default behaviour sends requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_target: Option<Target>,
    /// Ordered cache behaviours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behaviors: Option<Vec<Behavior>>,
    /// Origin groups for failover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_groups: Option<Vec<OriginGroup>>,
    /// Cache policy of the default behaviour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_policy: Option<CachePolicyRef>,
    /// Origin-request policy of the default behaviour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_request_policy: Option<OriginRequestPolicyRef>,
    /// Viewer protocol policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer_protocol_policy: Option<ViewerProtocolPolicy>,
    /// Allowed methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_methods: Option<AllowedMethods>,
    /// Compress responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// HTTP versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_version: Option<HttpVersion>,
    /// Price class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_class: Option<PriceClass>,
    /// Alternate domain names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<Hostname>>,
    /// ACM certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_arn: Option<CertificateArn>,
    /// Minimum viewer TLS version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_protocol_version: Option<TlsVersion>,
    /// Object served for `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_root_object: Option<ObjectKey>,
    /// Custom error responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_error_responses: Option<Vec<ErrorResponse>>,
    /// Access logging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    /// Comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    /// Serve traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<TagKey, TagValue>>,
    /// Routing at the edge; `Some(None)` removes it.
    #[serde(default, deserialize_with = "crate::values::nullable", skip_serializing_if = "Option::is_none")]
    pub routing: Option<Option<Routing>>,
    /// Keep Route 53 alias records for the aliases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_alias_records: Option<bool>,
    /// CloudWatch alarms; `Some(None)` removes them.
    #[serde(default, deserialize_with = "crate::values::nullable", skip_serializing_if = "Option::is_none")]
    pub alarms: Option<Option<Alarms>>,
}

macro_rules! each_field {
    ($m:ident) => {
        $m!(
            name,
            origins,
            default_target,
            behaviors,
            origin_groups,
            cache_policy,
            origin_request_policy,
            viewer_protocol_policy,
            allowed_methods,
            compress,
            http_version,
            price_class,
            aliases,
            certificate_arn,
            minimum_protocol_version,
            default_root_object,
            custom_error_responses,
            logging,
            comment,
            enabled,
            tags,
            routing,
            create_alias_records,
            alarms
        )
    };
}

impl DistributionDraft {
    /// `self` with every field `overlay` sets replaced whole (lists and maps too).
    pub fn merged(&self, overlay: &DistributionDraft) -> DistributionDraft {
        macro_rules! pick {
            ($($field:ident),+) => { DistributionDraft { $($field: overlay.$field.clone().or_else(|| self.$field.clone()),)+ } };
        }
        each_field!(pick)
    }

    /// The rules between fields: aliases and a minimum TLS version need a certificate.
    pub fn check_pairs(&self, problems: &mut Problems) {
        problems.check(
            self.aliases.as_ref().is_some_and(|a| !a.is_empty()) && self.certificate_arn.is_none(),
            "aliases",
            "need certificateArn: an ACM certificate in us-east-1 covering every alias",
        );
        problems.check(
            self.minimum_protocol_version.is_some() && self.certificate_arn.is_none(),
            "minimumProtocolVersion",
            "needs certificateArn (the default *.cloudfront.net certificate fixes it at TLSv1)",
        );
    }

    /// The names of the fields it sets, for events and history.
    pub fn set_fields(&self) -> Vec<String> {
        crate::problems::set_fields(self)
    }
}

/// A custom certificate and the oldest TLS version it allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViewerCertificate {
    /// The ACM certificate (us-east-1).
    pub certificate_arn: CertificateArn,
    /// The oldest TLS version viewers may use.
    pub minimum_protocol_version: TlsVersion,
}

/// A complete distribution spec: what a distribution is made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionSpec {
    /// Display name.
    pub name: DisplayName,
    /// The origins it serves (at least one).
    pub origins: Vec<OriginId>,
    /// Where the default behaviour sends requests.
    pub default_target: Target,
    /// Ordered cache behaviours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub behaviors: Vec<Behavior>,
    /// Origin groups for failover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origin_groups: Vec<OriginGroup>,
    /// Cache policy of the default behaviour.
    pub cache_policy: CachePolicyRef,
    /// Origin-request policy of the default behaviour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_request_policy: Option<OriginRequestPolicyRef>,
    /// Viewer protocol policy.
    pub viewer_protocol_policy: ViewerProtocolPolicy,
    /// Allowed methods.
    pub allowed_methods: AllowedMethods,
    /// Compress responses.
    pub compress: bool,
    /// HTTP versions.
    pub http_version: HttpVersion,
    /// Price class.
    pub price_class: PriceClass,
    /// Alternate domain names (only with a certificate).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Hostname>,
    /// A custom certificate; without one, `*.cloudfront.net`.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<ViewerCertificate>,
    /// Object served for `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_root_object: Option<ObjectKey>,
    /// Custom error responses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_error_responses: Vec<ErrorResponse>,
    /// Access logging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    /// Comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    /// Serve traffic.
    pub enabled: bool,
    /// Tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<TagKey, TagValue>,
    /// Routing at the edge: the default behaviour's origin chosen per viewer's country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<Routing>,
    /// Route 53 alias records for the aliases, in the zones they fall in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_alias_records: bool,
    /// CloudWatch alarms made and removed with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarms: Option<Alarms>,
}

impl DistributionSpec {
    /// The spec a draft describes: `name` and an origin are required, aliases and a minimum
    /// TLS version need a certificate, every route targets one of its origins or groups, and
    /// every other setting gets cfm's default (the default behaviour serves the first origin,
    /// CachingOptimized, redirect-to-https, GET/HEAD, compress, HTTP/2 and 3, PriceClass_100,
    /// enabled, TLSv1.2_2021 with a certificate).
    pub fn from_draft(draft: &DistributionDraft) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        problems.check(draft.name.is_none(), "name", "is required");
        let origins = draft.origins.clone().unwrap_or_default();
        // An `origins` list given but refused is reported by its parsing already.
        problems.check(
            draft.origins.is_none(),
            "originId",
            "is required: give originId (one origin) or origins (org-…)",
        );
        draft.check_pairs(&mut problems);
        let (Some(name), Some(first)) = (draft.name.clone(), origins.first()) else {
            return Err(problems);
        };
        let default_target = draft.default_target.clone().unwrap_or_else(|| Target::OriginId(first.clone()));
        let allowed_methods = draft.allowed_methods.unwrap_or(AllowedMethods::GetHead);
        let behaviors = draft.behaviors.clone().unwrap_or_default();
        let origin_groups = draft.origin_groups.clone().unwrap_or_default();
        let routes = Routes {
            origins: &origins,
            default_target: &default_target,
            default_methods: allowed_methods,
            behaviors: &behaviors,
            groups: &origin_groups,
        };
        routes.check(&mut problems);
        let (routing, origin_request_policy) = super::routed::routed(draft, &origins, &default_target, &mut problems);
        problems.into_result(())?;
        Ok(Self {
            name,
            origins,
            default_target,
            behaviors,
            origin_groups,
            cache_policy: draft.cache_policy.clone().unwrap_or(CachePolicyRef::Managed(CachePolicy::Optimized)),
            origin_request_policy,
            viewer_protocol_policy: draft.viewer_protocol_policy.unwrap_or(ViewerProtocolPolicy::RedirectToHttps),
            allowed_methods,
            compress: draft.compress.unwrap_or(true),
            http_version: draft.http_version.unwrap_or(HttpVersion::Http2And3),
            price_class: draft.price_class.unwrap_or(PriceClass::Class100),
            aliases: draft.aliases.clone().unwrap_or_default(),
            certificate: draft.certificate_arn.clone().map(|certificate_arn| ViewerCertificate {
                certificate_arn,
                minimum_protocol_version: draft.minimum_protocol_version.unwrap_or(TlsVersion::Tls12_2021),
            }),
            default_root_object: draft.default_root_object.clone(),
            custom_error_responses: draft.custom_error_responses.clone().unwrap_or_default(),
            logging: draft.logging.clone(),
            comment: draft.comment.clone(),
            enabled: draft.enabled.unwrap_or(true),
            tags: draft.tags.clone().unwrap_or_default(),
            routing,
            create_alias_records: draft.create_alias_records.unwrap_or(false),
            alarms: draft.alarms.clone().flatten(),
        })
    }

    /// The spec as a draft setting every field, to merge a change onto.
    pub fn to_draft(&self) -> DistributionDraft {
        DistributionDraft {
            name: Some(self.name.clone()),
            origins: Some(self.origins.clone()),
            default_target: Some(self.default_target.clone()),
            behaviors: Some(self.behaviors.clone()),
            origin_groups: Some(self.origin_groups.clone()),
            cache_policy: Some(self.cache_policy.clone()),
            origin_request_policy: self.origin_request_policy.clone(),
            viewer_protocol_policy: Some(self.viewer_protocol_policy),
            allowed_methods: Some(self.allowed_methods),
            compress: Some(self.compress),
            http_version: Some(self.http_version),
            price_class: Some(self.price_class),
            aliases: Some(self.aliases.clone()),
            certificate_arn: self.certificate.as_ref().map(|c| c.certificate_arn.clone()),
            minimum_protocol_version: self.certificate.as_ref().map(|c| c.minimum_protocol_version),
            default_root_object: self.default_root_object.clone(),
            custom_error_responses: Some(self.custom_error_responses.clone()),
            logging: self.logging.clone(),
            comment: self.comment.clone(),
            enabled: Some(self.enabled),
            tags: Some(self.tags.clone()),
            routing: Some(self.routing.clone()),
            create_alias_records: Some(self.create_alias_records),
            alarms: Some(self.alarms.clone()),
        }
    }

    /// The spec with `change` applied (fields it sets replace these whole), checked again.
    /// A change of `origins` that leaves out the origin the default behaviour served (and names
    /// no new default) moves the default to the first origin, as on a create.
    pub fn changed(&self, change: &DistributionDraft) -> Result<Self, Problems> {
        let mut draft = self.to_draft().merged(change);
        if let (Some(origins), None, Target::OriginId(default)) =
            (&change.origins, &change.default_target, &self.default_target)
            && !origins.contains(default)
        {
            draft.default_target = None;
        }
        Self::from_draft(&draft)
    }

    /// How it reaches its buckets: through its Origin Access Identity when routed by Lambda@Edge
    /// (OAC cannot follow its origin switch), else through each origin's OAC.
    pub fn access(&self) -> Access {
        match &self.routing {
            Some(routing) if routing.mode == RoutingMode::LambdaEdge => Access::Identity,
            _ => Access::Oac,
        }
    }

    /// The comment CloudFront shows: the spec's, else the name (CloudFront requires one).
    pub fn cloudfront_comment(&self) -> &str {
        self.comment.as_ref().map_or(self.name.as_str(), Comment::as_str)
    }
}
