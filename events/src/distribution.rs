//! Distributions: the workflow inputs and the events.

use cfm_domain::distribution::{DistributionDraft, DistributionSpec, TemplateRef};
use cfm_domain::failure::Failure;
use cfm_domain::values::{CloudFrontId, DistributionId, ExecutionArn, InvalidationId, InvalidationPath, OriginId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event_detail;
use crate::request::RequestContext;

/// Input of `create-distribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDistributionInput {
    /// The id the API assigned (`dist-…`).
    pub distribution_id: DistributionId,
    /// The complete spec.
    pub spec: DistributionSpec,
    /// The template version it came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of `update-distribution` and of `replicate-edge-function` (an empty patch that
/// publishes the routing's function again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDistributionInput {
    /// The distribution.
    pub distribution_id: DistributionId,
    /// The fields to change.
    pub patch: DistributionDraft,
    /// Publish the edge function again from the routing and the origins as they are now, even
    /// though the routing is unchanged (`replicate-edge-function`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replicate: bool,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of `delete-distribution` (and of other workflows naming just a distribution).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistributionInput {
    /// The distribution.
    pub distribution_id: DistributionId,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of `invalidate-distribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvalidateInput {
    /// The distribution.
    pub distribution_id: DistributionId,
    /// Paths to invalidate.
    pub paths: Vec<InvalidationPath>,
    /// Who asked.
    pub request: RequestContext,
}

/// CloudFront accepted a new distribution; it is deploying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionCreated {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// CloudFront's id.
    pub cloudfront_id: CloudFrontId,
    /// `dxxxx.cloudfront.net`.
    pub domain_name: String,
    /// The origins it serves.
    pub origins: Vec<OriginId>,
    /// The template version it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
}
event_detail!(DistributionCreated, "DistributionCreated", "distribution", distribution_id);

/// A distribution (or its latest change) reached `Deployed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDeployed {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// CloudFront's id.
    pub cloudfront_id: CloudFrontId,
}
event_detail!(DistributionDeployed, "DistributionDeployed", "distribution", distribution_id);

/// Creating a distribution failed; what was made was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionCreateFailed {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(DistributionCreateFailed, "DistributionCreateFailed", "distribution", distribution_id);

/// A distribution's configuration changed and is deployed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionUpdated {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// The spec fields that changed.
    pub changed: Vec<String>,
}
event_detail!(DistributionUpdated, "DistributionUpdated", "distribution", distribution_id);

/// Updating a distribution failed; CloudFront keeps its previous configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionUpdateFailed {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(DistributionUpdateFailed, "DistributionUpdateFailed", "distribution", distribution_id);

/// A distribution is gone from CloudFront and from its origin's bucket policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDeleted {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// CloudFront's id, if it had made the distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudfront_id: Option<CloudFrontId>,
}
event_detail!(DistributionDeleted, "DistributionDeleted", "distribution", distribution_id);

/// Deleting a distribution failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDeleteFailed {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(DistributionDeleteFailed, "DistributionDeleteFailed", "distribution", distribution_id);

/// An invalidation finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvalidationCompleted {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// CloudFront's invalidation id.
    pub invalidation_id: InvalidationId,
    /// The invalidated paths.
    pub paths: Vec<InvalidationPath>,
}
event_detail!(InvalidationCompleted, "InvalidationCompleted", "distribution", distribution_id);

/// An invalidation could not be made, or did not complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvalidationFailed {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// The paths it was for.
    pub paths: Vec<InvalidationPath>,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(InvalidationFailed, "InvalidationFailed", "distribution", distribution_id);

/// The reconciler found a distribution left busy by an execution that is no longer running
/// (aborted, timed out) and settled it from CloudFront's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionRecovered {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// The execution that had left it busy.
    pub execution_arn: ExecutionArn,
    /// How that execution ended: `ABORTED`, `TIMED_OUT`, `FAILED`, `SUCCEEDED` or `MISSING`.
    pub execution_status: String,
    /// The status it was left in.
    pub previous: String,
    /// The status it was settled to (`DELETED` if it is gone).
    pub current: String,
}
event_detail!(DistributionRecovered, "DistributionRecovered", "distribution", distribution_id);

/// The reconciler saw CloudFront's deployment status differ from the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionStatusChanged {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// The status on record.
    pub previous: String,
    /// CloudFront's status now.
    pub current: String,
}
event_detail!(DistributionStatusChanged, "DistributionStatusChanged", "distribution", distribution_id);

/// The reconciler found the distribution changed outside cfm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDriftDetected {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// The settings that differ from the spec, e.g. `comment`.
    pub fields: Vec<String>,
}
event_detail!(DistributionDriftDetected, "DistributionDriftDetected", "distribution", distribution_id);

/// A name cfm was asked to point at a distribution and left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AliasLeftAlone {
    /// The alias.
    pub name: String,
    /// Why: no public hosted zone holds it, or a record cfm did not make is there.
    pub reason: String,
}

/// cfm changed the Route 53 alias records (A and AAAA) of a distribution's aliases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionDnsUpdated {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// The distribution's domain name the aliases point at.
    pub domain_name: String,
    /// Aliases whose records were created or updated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upserted: Vec<String>,
    /// Aliases whose records cfm had made and removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Aliases cfm did not touch, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_alone: Vec<AliasLeftAlone>,
}
event_detail!(DistributionDnsUpdated, "DistributionDnsUpdated", "distribution", distribution_id);

/// cfm created, changed or removed a distribution's CloudWatch alarm on its 5xx error rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionAlarmChanged {
    /// The cfm id.
    pub distribution_id: DistributionId,
    /// The alarm.
    pub alarm_name: String,
    /// The threshold it fires above now (percent of responses); absent once removed.
    #[serde(default, rename = "errorRate5xxPercent", skip_serializing_if = "Option::is_none")]
    pub error_rate_5xx_percent: Option<f64>,
}
event_detail!(DistributionAlarmChanged, "DistributionAlarmChanged", "distribution", distribution_id);
