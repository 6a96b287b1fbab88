//! Origins: the workflow inputs and the events the origin workflows publish.

use cfm_domain::failure::Failure;
use cfm_domain::origin::{OriginPatch, OriginSpec, OriginType};
use cfm_domain::values::{BucketName, DisplayName, ExecutionArn, OacId, OriginDomain, OriginId, Region};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event_detail;
use crate::request::RequestContext;

/// Input of the `create-origin` execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOriginInput {
    /// The origin id the API assigned.
    pub origin_id: OriginId,
    /// What to create (header values hidden: the record holds them).
    pub spec: OriginSpec,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of the `update-origin` execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOriginInput {
    /// The origin to change.
    pub origin_id: OriginId,
    /// What to change (header values hidden: the API staged them on the record).
    pub patch: OriginPatch,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of the `delete-origin` execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOriginInput {
    /// The origin to delete.
    pub origin_id: OriginId,
    /// Delete the bucket's objects first; otherwise a non-empty bucket fails the workflow.
    #[serde(default)]
    pub empty_bucket: bool,
    /// Who asked.
    pub request: RequestContext,
}

/// An origin is ready for distributions: an S3 origin's bucket and OAC exist, a custom
/// origin is recorded (its header values are never published).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginCreated {
    /// The origin id.
    pub origin_id: OriginId,
    /// Display name.
    pub name: DisplayName,
    /// `s3` or `custom`.
    #[serde(rename = "type")]
    pub origin_type: OriginType,
    /// S3: the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<BucketName>,
    /// S3: the bucket's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// S3: the CloudFront Origin Access Control id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oac_id: Option<OacId>,
    /// Custom: the origin's DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<OriginDomain>,
}
event_detail!(OriginCreated, "OriginCreated", "origin", origin_id);

/// Creating an origin failed; what it had made was removed (or the cause says what is left).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginCreateFailed {
    /// The origin id.
    pub origin_id: OriginId,
    /// The bucket it tried to create (S3 origins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<BucketName>,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(OriginCreateFailed, "OriginCreateFailed", "origin", origin_id);

/// An origin's settings changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginUpdated {
    /// The origin id.
    pub origin_id: OriginId,
    /// The fields that changed: `name`, `cors`, `website`.
    pub changed: Vec<String>,
}
event_detail!(OriginUpdated, "OriginUpdated", "origin", origin_id);

/// Updating an origin failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginUpdateFailed {
    /// The origin id.
    pub origin_id: OriginId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(OriginUpdateFailed, "OriginUpdateFailed", "origin", origin_id);

/// An origin (an S3 origin with its bucket and OAC) is gone. Its history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginDeleted {
    /// The origin id.
    pub origin_id: OriginId,
    /// The deleted bucket (S3 origins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<BucketName>,
    /// Whether objects were deleted first.
    pub bucket_emptied: bool,
}
event_detail!(OriginDeleted, "OriginDeleted", "origin", origin_id);

/// Deleting an origin failed; the origin is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginDeleteFailed {
    /// The origin id.
    pub origin_id: OriginId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(OriginDeleteFailed, "OriginDeleteFailed", "origin", origin_id);

/// The reconciler found an origin left busy by an execution that is no longer running
/// (aborted, timed out) and settled it from its bucket's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginRecovered {
    /// The origin id.
    pub origin_id: OriginId,
    /// The execution that had left it busy.
    pub execution_arn: ExecutionArn,
    /// How that execution ended: `ABORTED`, `TIMED_OUT`, `FAILED`, `SUCCEEDED` or `MISSING`.
    pub execution_status: String,
    /// The status it was left in.
    pub previous: String,
    /// The status it was settled to.
    pub current: String,
}
event_detail!(OriginRecovered, "OriginRecovered", "origin", origin_id);
