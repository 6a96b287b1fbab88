//! Distributions: the spec users write, the workflow inputs, and the events.
//!
//! One [`DistributionSpec`] type serves a full create request, a partial update, and (later) a
//! template: every field is optional here, and validation (`cfm-core`) says which a create needs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::envelope::EventDetail;
use crate::origin::RequestContext;

/// What a user can set on a distribution.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DistributionSpec {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The cfm origin (an S3 origin with OAC) to serve from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_id: Option<String>,
    /// A managed cache policy by name, e.g. `CachingOptimized`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_policy: Option<String>,
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
    pub custom_error_responses: Option<Vec<CustomErrorResponse>>,
    /// Standard access logging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    /// Free text (CloudFront's comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Serve traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Tags on the distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

impl DistributionSpec {
    /// `self` with every field `overlay` sets replaced (a shallow, field-by-field merge).
    pub fn merged(&self, overlay: &DistributionSpec) -> DistributionSpec {
        macro_rules! pick {
            ($($field:ident),+) => { DistributionSpec { $($field: overlay.$field.clone().or_else(|| self.$field.clone()),)+ } };
        }
        pick!(
            name,
            origin_id,
            cache_policy,
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
            tags
        )
    }

    /// The names of the fields this spec sets, for events and history.
    pub fn set_fields(&self) -> Vec<String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

/// One custom error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomErrorResponse {
    /// The origin's HTTP status, e.g. 404.
    pub error_code: i32,
    /// The status viewers get instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code: Option<i32>,
    /// The page served instead, e.g. `/index.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_page_path: Option<String>,
    /// Seconds CloudFront caches the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_caching_min_ttl: Option<i64>,
}

/// Standard logging to an S3 bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Logging {
    /// The log bucket's domain, `<bucket>.s3.amazonaws.com`.
    pub bucket: String,
    /// Key prefix.
    #[serde(default)]
    pub prefix: String,
    /// Log cookies too.
    #[serde(default)]
    pub include_cookies: bool,
}

/// Input of `create-distribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDistributionInput {
    /// The id the API assigned (`dist-…`).
    pub distribution_id: String,
    /// The complete, validated spec.
    pub spec: DistributionSpec,
    /// The template version it came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
    /// Who asked.
    pub request: RequestContext,
}

/// A template version a distribution was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRef {
    /// The template id.
    pub template_id: String,
    /// Its version.
    pub version: u32,
}

/// Input of `update-distribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDistributionInput {
    /// The distribution.
    pub distribution_id: String,
    /// The fields to change.
    pub patch: DistributionSpec,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of `delete-distribution` (and of other workflows naming just a distribution).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistributionInput {
    /// The distribution.
    pub distribution_id: String,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of `invalidate-distribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvalidateInput {
    /// The distribution.
    pub distribution_id: String,
    /// Paths to invalidate.
    pub paths: Vec<String>,
    /// Who asked.
    pub request: RequestContext,
}

macro_rules! distribution_event {
    ($ty:ident, $detail_type:literal) => {
        impl EventDetail for $ty {
            const DETAIL_TYPE: &'static str = $detail_type;
            const RESOURCE_TYPE: &'static str = "distribution";
            fn resource_id(&self) -> &str {
                &self.distribution_id
            }
        }
    };
}

/// CloudFront accepted a new distribution; it is deploying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionCreated {
    /// The cfm id.
    pub distribution_id: String,
    /// CloudFront's id.
    pub cloudfront_id: String,
    /// `dxxxx.cloudfront.net`.
    pub domain_name: String,
    /// The origin it serves.
    pub origin_id: String,
    /// The template version it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
}
distribution_event!(DistributionCreated, "DistributionCreated");

/// A distribution (or its latest change) reached `Deployed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDeployed {
    /// The cfm id.
    pub distribution_id: String,
    /// CloudFront's id.
    pub cloudfront_id: String,
}
distribution_event!(DistributionDeployed, "DistributionDeployed");

/// Creating a distribution failed; what was made was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionCreateFailed {
    /// The cfm id.
    pub distribution_id: String,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
distribution_event!(DistributionCreateFailed, "DistributionCreateFailed");

/// A distribution's configuration changed and is deployed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionUpdated {
    /// The cfm id.
    pub distribution_id: String,
    /// The spec fields that changed.
    pub changed: Vec<String>,
}
distribution_event!(DistributionUpdated, "DistributionUpdated");

/// Updating a distribution failed; CloudFront keeps its previous configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionUpdateFailed {
    /// The cfm id.
    pub distribution_id: String,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
distribution_event!(DistributionUpdateFailed, "DistributionUpdateFailed");

/// A distribution is gone from CloudFront and from its origin's bucket policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDeleted {
    /// The cfm id.
    pub distribution_id: String,
    /// CloudFront's id.
    pub cloudfront_id: String,
}
distribution_event!(DistributionDeleted, "DistributionDeleted");

/// Deleting a distribution failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDeleteFailed {
    /// The cfm id.
    pub distribution_id: String,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
distribution_event!(DistributionDeleteFailed, "DistributionDeleteFailed");

/// An invalidation finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvalidationCompleted {
    /// The cfm id.
    pub distribution_id: String,
    /// CloudFront's invalidation id.
    pub invalidation_id: String,
    /// The invalidated paths.
    pub paths: Vec<String>,
}
distribution_event!(InvalidationCompleted, "InvalidationCompleted");

/// An invalidation could not be made, or did not complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvalidationFailed {
    /// The cfm id.
    pub distribution_id: String,
    /// The paths it was for.
    pub paths: Vec<String>,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
distribution_event!(InvalidationFailed, "InvalidationFailed");

/// The reconciler found a distribution left busy by an execution that is no longer running
/// (aborted, timed out) and settled it from CloudFront's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionRecovered {
    /// The cfm id.
    pub distribution_id: String,
    /// The execution that had left it busy.
    pub execution_arn: String,
    /// How that execution ended: `ABORTED`, `TIMED_OUT`, `FAILED`, `SUCCEEDED` or `MISSING`.
    pub execution_status: String,
    /// The status it was left in.
    pub previous: String,
    /// The status it was settled to (`DELETED` if it is gone).
    pub current: String,
}
distribution_event!(DistributionRecovered, "DistributionRecovered");

/// The reconciler saw CloudFront's deployment status differ from the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionStatusChanged {
    /// The cfm id.
    pub distribution_id: String,
    /// The status on record.
    pub previous: String,
    /// CloudFront's status now.
    pub current: String,
}
distribution_event!(DistributionStatusChanged, "DistributionStatusChanged");

/// The reconciler found the distribution changed outside cfm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDriftDetected {
    /// The cfm id.
    pub distribution_id: String,
    /// The settings that differ from the spec, e.g. `comment`.
    pub fields: Vec<String>,
}
distribution_event!(DistributionDriftDetected, "DistributionDriftDetected");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_overlays_only_what_is_set() {
        let base = DistributionSpec { name: Some("a".into()), comment: Some("base".into()), ..Default::default() };
        let overlay = DistributionSpec { comment: Some("over".into()), enabled: Some(false), ..Default::default() };
        let merged = base.merged(&overlay);
        assert_eq!(merged.name.as_deref(), Some("a"));
        assert_eq!(merged.comment.as_deref(), Some("over"));
        assert_eq!(merged.enabled, Some(false));
        assert_eq!(overlay.set_fields(), ["comment", "enabled"]);
    }
}
