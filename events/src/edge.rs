//! Edge functions: the events of their life.

use cfm_domain::edge::RoutingMode;
use cfm_domain::failure::Failure;
use cfm_domain::values::{DistributionId, EdgeFunctionId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event_detail;

/// An edge function is published LIVE for its distribution's routing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EdgeFunctionPublished {
    /// The edge function id.
    pub edge_function_id: EdgeFunctionId,
    /// The distribution it routes.
    pub distribution_id: DistributionId,
    /// Its name in CloudFront.
    pub name: String,
    /// Where it runs.
    pub mode: RoutingMode,
    /// CloudFront's ARN of it.
    pub arn: String,
    /// Its code's size in bytes.
    pub size_bytes: usize,
}
event_detail!(EdgeFunctionPublished, "EdgeFunctionPublished", "edgeFunction", edge_function_id);

/// An edge function runs everywhere: its distribution's default behaviour is associated with it
/// and CloudFront has deployed that (a new routed distribution, or a routing change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EdgeFunctionAssociated {
    /// The edge function id.
    pub edge_function_id: EdgeFunctionId,
    /// The distribution it routes.
    pub distribution_id: DistributionId,
    /// CloudFront's id of the distribution.
    pub cloudfront_id: String,
    /// CloudFront's ARN of the function.
    pub arn: String,
    /// Which routing of the distribution it runs.
    pub generation: u32,
}
event_detail!(EdgeFunctionAssociated, "EdgeFunctionAssociated", "edgeFunction", edge_function_id);

/// An edge function is deleted from CloudFront: its distribution no longer runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EdgeFunctionRetired {
    /// The edge function id.
    pub edge_function_id: EdgeFunctionId,
    /// The distribution it routed.
    pub distribution_id: DistributionId,
    /// Its name in CloudFront.
    pub name: String,
}
event_detail!(EdgeFunctionRetired, "EdgeFunctionRetired", "edgeFunction", edge_function_id);

/// An attempt to delete an edge function found it still in use (still associated, or its
/// Lambda@Edge replicas not yet gone): `retire-edge-function` tries again later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EdgeFunctionRetireDeferred {
    /// The edge function id.
    pub edge_function_id: EdgeFunctionId,
    /// The distribution it routed.
    pub distribution_id: DistributionId,
    /// Its name in CloudFront.
    pub name: String,
    /// Which attempt this was (1 for the first).
    pub attempt: u32,
    /// Seconds until the next attempt.
    pub next_attempt_in_seconds: u64,
}
event_detail!(EdgeFunctionRetireDeferred, "EdgeFunctionRetireDeferred", "edgeFunction", edge_function_id);

/// An edge function could not be retired: it stayed in use past the retire budget, or its
/// retirement ended unfinished. It is left in CloudFront, recorded `RETIRE_FAILED`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EdgeFunctionRetireFailed {
    /// The edge function id.
    pub edge_function_id: EdgeFunctionId,
    /// The distribution it routed.
    pub distribution_id: DistributionId,
    /// Its name in CloudFront.
    pub name: String,
    /// Attempts made that found it in use.
    pub attempts: u32,
    /// Why.
    pub failure: Failure,
}
event_detail!(EdgeFunctionRetireFailed, "EdgeFunctionRetireFailed", "edgeFunction", edge_function_id);

/// Input of `retire-edge-function`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetireEdgeFunctionInput {
    /// The edge function.
    pub edge_function_id: EdgeFunctionId,
    /// Who asked (for the request that let go of it).
    pub request: crate::RequestContext,
}
