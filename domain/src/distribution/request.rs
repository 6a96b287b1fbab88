//! A distribution spec as a user writes it (every field optional: a create, an update, a
//! template and template overrides all use this shape), and its parsing into a
//! [`DistributionDraft`], reporting every problem with its field.

use std::collections::{BTreeMap, HashSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::alarm::AlarmsRequest;
use super::draft::{DistributionDraft, DistributionSpec};
use super::routing::{BehaviorRequest, OriginGroupRequest, parse_behaviors, parse_groups, parse_origins, parse_target};
use super::settings::{ErrorResponseRequest, LoggingRequest, parse_error_responses, parse_logging};
use crate::edge::RoutingRequest;
use crate::policy::{PolicyKind, PolicyRef};
use crate::problems::{Problems, excerpt, quoted, within};
use crate::values::{CertificateArn, Checked, Comment, DisplayName, Hostname, ObjectKey, OriginId, TagKey, TagValue};
use crate::vocabulary::parse_setting;

/// CloudFront quotas (aws-facts.md §2.2).
const MAX_ALIASES: usize = 100;
const MAX_TAGS: usize = 50;

/// What a user can set on a distribution.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DistributionRequest {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The one cfm origin to serve from (or give `origins`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_id: Option<String>,
    /// The cfm origins to serve from (up to 25), S3 or custom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origins: Option<Vec<String>>,
    /// The origin the default behaviour serves (default: the first origin)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_origin_id: Option<String>,
    /// ...or the origin group it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_origin_group_id: Option<String>,
    /// Ordered cache behaviours by path pattern (up to 25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behaviors: Option<Vec<BehaviorRequest>>,
    /// Origin groups for failover (up to 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_groups: Option<Vec<OriginGroupRequest>>,
    /// The default behaviour's managed cache policy by name, e.g. `CachingOptimized`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_policy: Option<String>,
    /// The default behaviour's managed origin-request policy by name, e.g. `AllViewer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_request_policy: Option<String>,
    /// `allow-all`, `redirect-to-https` or `https-only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer_protocol_policy: Option<String>,
    /// `GET_HEAD`, `GET_HEAD_OPTIONS` or `ALL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_methods: Option<String>,
    /// Compress responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// `http1.1`, `http2`, `http3` or `http2and3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    /// `PriceClass_100`, `PriceClass_200` or `PriceClass_All`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_class: Option<String>,
    /// Alternate domain names (CNAMEs); need a certificate that covers them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    /// An ACM certificate in us-east-1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_arn: Option<String>,
    /// Minimum TLS version for viewers, e.g. `TLSv1.2_2021` (needs a certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_protocol_version: Option<String>,
    /// Object served for `/`, e.g. `index.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_root_object: Option<String>,
    /// Custom error responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_error_responses: Option<Vec<ErrorResponseRequest>>,
    /// Standard access logging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<LoggingRequest>,
    /// Free text (CloudFront's comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Serve traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Tags on the distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Route viewers to origins by country at the edge; `null` on update removes it.
    #[serde(default, deserialize_with = "crate::values::nullable", skip_serializing_if = "Option::is_none")]
    pub routing: Option<Option<RoutingRequest>>,
    /// Keep Route 53 A/AAAA alias records pointing each alias at the distribution, in the
    /// public hosted zone it falls in (records cfm did not make are left alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_alias_records: Option<bool>,
    /// CloudWatch alarms made and removed with the distribution; `null` on update removes them.
    #[serde(default, deserialize_with = "crate::values::nullable", skip_serializing_if = "Option::is_none")]
    pub alarms: Option<Option<AlarmsRequest>>,
}

/// Reports items listed more than once, in one pass.
pub(crate) fn check_unique<'a>(problems: &mut Problems, field: &str, items: impl IntoIterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for (i, item) in items.into_iter().enumerate() {
        if !seen.insert(item) {
            problems.add(format!("{field}[{i}]"), format!("{} is listed twice", quoted(item)));
        }
    }
}

/// Parses hostnames for `field`, bounded and in one pass for duplicates.
pub(crate) fn parse_hostnames(problems: &mut Problems, field: &str, names: &[String], max: usize) -> Vec<Hostname> {
    if !within(problems, field, names.len(), max) {
        return Vec::new();
    }
    let parsed = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| Hostname::parse_into(problems, &format!("{field}[{i}]"), n))
        .collect();
    check_unique(problems, field, names.iter().map(String::as_str));
    parsed
}

impl DistributionRequest {
    /// Parses every field that is set. The rules between fields (a certificate for aliases,
    /// what a create requires) are checked when a draft becomes a spec.
    pub fn parse(&self) -> Result<DistributionDraft, Problems> {
        let mut p = Problems::new();
        let draft = self.draft(&mut p);
        p.into_result(draft)
    }

    /// Parses a new distribution: every field, and the rules between them, reported at once
    /// (a field already reported is not reported again as missing).
    pub fn parse_create(&self) -> Result<DistributionSpec, Problems> {
        let mut p = Problems::new();
        let draft = self.draft(&mut p);
        match DistributionSpec::from_draft(&draft) {
            Ok(spec) if p.is_empty() => Ok(spec),
            Ok(_) => Err(p),
            Err(more) => {
                for problem in more.into_list() {
                    if !p.list().iter().any(|known| known.field == problem.field) {
                        p.add(problem.field, problem.message);
                    }
                }
                Err(p)
            }
        }
    }

    /// The fields that parse; each that does not is reported to `p` and left unset.
    fn draft(&self, p: &mut Problems) -> DistributionDraft {
        let draft = DistributionDraft {
            name: self.name.as_ref().and_then(|n| DisplayName::parse_into(p, "name", n)),
            origins: self.parse_origins(p),
            default_target: parse_target(
                p,
                "",
                ("defaultOriginId", self.default_origin_id.as_ref()),
                ("defaultOriginGroupId", self.default_origin_group_id.as_ref()),
            ),
            behaviors: self.behaviors.as_ref().map(|b| parse_behaviors(p, b)),
            origin_groups: self.origin_groups.as_ref().map(|g| parse_groups(p, g)),
            cache_policy: PolicyRef::parse_setting(p, "cachePolicy", PolicyKind::Cache, &self.cache_policy),
            origin_request_policy: PolicyRef::parse_setting(
                p,
                "originRequestPolicy",
                PolicyKind::OriginRequest,
                &self.origin_request_policy,
            ),
            viewer_protocol_policy: parse_setting(p, "viewerProtocolPolicy", &self.viewer_protocol_policy),
            allowed_methods: parse_setting(p, "allowedMethods", &self.allowed_methods),
            compress: self.compress,
            http_version: parse_setting(p, "httpVersion", &self.http_version),
            price_class: parse_setting(p, "priceClass", &self.price_class),
            aliases: self.aliases.as_ref().map(|a| parse_hostnames(p, "aliases", a, MAX_ALIASES)),
            certificate_arn: self
                .certificate_arn
                .as_ref()
                .and_then(|a| CertificateArn::parse_into(p, "certificateArn", a)),
            minimum_protocol_version: parse_setting(p, "minimumProtocolVersion", &self.minimum_protocol_version),
            default_root_object: self
                .default_root_object
                .as_ref()
                .and_then(|o| ObjectKey::parse_into(p, "defaultRootObject", o)),
            custom_error_responses: self.custom_error_responses.as_ref().map(|r| parse_error_responses(p, r)),
            logging: self.logging.as_ref().map(|l| parse_logging(p, l)),
            comment: self.comment.as_ref().and_then(|c| Comment::parse_into(p, "comment", c)),
            enabled: self.enabled,
            tags: self.tags.as_ref().map(|t| parse_tags(p, t)),
            routing: self.routing.as_ref().map(|r| r.as_ref().and_then(|r| r.parse("routing", p))),
            create_alias_records: self.create_alias_records,
            alarms: self.alarms.as_ref().map(|a| a.as_ref().and_then(|a| a.parse("alarms", p))),
        };
        p.check(
            matches!(self.routing, Some(Some(_))) && self.origin_request_policy.is_some(),
            "originRequestPolicy",
            "routing gives the default behaviour cfm's cfm-viewer-country policy, which passes CloudFront-Viewer-Country to the function: leave originRequestPolicy out",
        );
        draft
    }

    /// `originId` (one origin) or `origins`, not both.
    fn parse_origins(&self, p: &mut Problems) -> Option<Vec<OriginId>> {
        match (&self.origin_id, &self.origins) {
            (Some(_), Some(_)) => {
                p.add("originId", "give originId (one origin) or origins, not both");
                None
            }
            (Some(o), None) => OriginId::parse_into(p, "originId", o).map(|o| vec![o]),
            (None, Some(origins)) => Some(parse_origins(p, origins)),
            (None, None) => None,
        }
    }

    /// Parses a change: at least one field; the origins change only through `origins`.
    pub fn parse_patch(&self) -> Result<DistributionDraft, Problems> {
        let mut problems = Problems::new();
        problems.check(self == &Self::default(), "body", "nothing to change: give at least one field");
        problems.check(
            self.origin_id.is_some(),
            "originId",
            "cannot change; give origins (and defaultOriginId) to change the origins",
        );
        match self.parse() {
            Ok(draft) if problems.is_empty() => Ok(draft),
            Ok(_) => Err(problems),
            Err(more) => {
                problems.extend_under_root(more);
                Err(problems)
            }
        }
    }
}

fn parse_tags(problems: &mut Problems, tags: &BTreeMap<String, String>) -> BTreeMap<TagKey, TagValue> {
    if !within(problems, "tags", tags.len(), MAX_TAGS) {
        return BTreeMap::new();
    }
    tags.iter()
        .filter_map(|(key, value)| {
            let at = format!("tags.{}", excerpt(key));
            let key = TagKey::parse_into(problems, &at, key);
            let value = TagValue::parse_into(problems, &at, value);
            Some((key?, value?))
        })
        .collect()
}
