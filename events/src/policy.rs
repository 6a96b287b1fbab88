//! Cache and origin-request policies: the workflow inputs and the events the policy workflows
//! publish.

use cfm_domain::failure::Failure;
use cfm_domain::policy::{PolicyId, PolicyKind, PolicyName, PolicySpec};
use cfm_domain::values::ExecutionArn;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event_detail;
use crate::request::RequestContext;

/// Input of the `create-policy` and `update-policy` executions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyInput {
    /// The policy (its prefix says the kind).
    pub policy_id: PolicyId,
    /// What it is to say.
    pub spec: PolicySpec,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of the `delete-policy` execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletePolicyInput {
    /// The policy to delete.
    pub policy_id: PolicyId,
    /// Who asked.
    pub request: RequestContext,
}

/// A policy exists in CloudFront and behaviours can use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyCreated {
    /// The policy id.
    pub policy_id: PolicyId,
    /// `cache` or `originRequest`.
    pub kind: PolicyKind,
    /// Its name in CloudFront.
    pub name: PolicyName,
    /// CloudFront's id.
    pub cloudfront_id: String,
}
event_detail!(PolicyCreated, "PolicyCreated", "policy", policy_id);

/// Creating a policy failed (delete it to remove anything left).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyCreateFailed {
    /// The policy id.
    pub policy_id: PolicyId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(PolicyCreateFailed, "PolicyCreateFailed", "policy", policy_id);

/// A policy's settings changed; CloudFront applies them to every behaviour using it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyUpdated {
    /// The policy id.
    pub policy_id: PolicyId,
    /// Its name now.
    pub name: PolicyName,
}
event_detail!(PolicyUpdated, "PolicyUpdated", "policy", policy_id);

/// Updating a policy failed; it keeps its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyUpdateFailed {
    /// The policy id.
    pub policy_id: PolicyId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(PolicyUpdateFailed, "PolicyUpdateFailed", "policy", policy_id);

/// A policy is gone from CloudFront and cfm. Its history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDeleted {
    /// The policy id.
    pub policy_id: PolicyId,
}
event_detail!(PolicyDeleted, "PolicyDeleted", "policy", policy_id);

/// Deleting a policy failed (e.g. a behaviour made outside cfm uses it); the policy is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDeleteFailed {
    /// The policy id.
    pub policy_id: PolicyId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(PolicyDeleteFailed, "PolicyDeleteFailed", "policy", policy_id);

/// The reconciler found a policy left busy by an execution that is no longer running and
/// settled it from what CloudFront has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRecovered {
    /// The policy id.
    pub policy_id: PolicyId,
    /// The execution that had left it busy.
    pub execution_arn: ExecutionArn,
    /// How that execution ended: `ABORTED`, `TIMED_OUT`, `FAILED`, `SUCCEEDED` or `MISSING`.
    pub execution_status: String,
    /// The status it was left in.
    pub previous: String,
    /// The status it was settled to.
    pub current: String,
}
event_detail!(PolicyRecovered, "PolicyRecovered", "policy", policy_id);
