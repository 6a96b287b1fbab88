//! Edge functions: the events of their life.

use cfm_domain::edge::RoutingMode;
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
