//! Bulk operations: the `bulk-operation` input and its events. The input names the operation;
//! what it does and its items are in the table, so the input stays small however many items.

use cfm_domain::bulk::BulkStatus;
use cfm_domain::failure::Failure;
use cfm_domain::values::BulkId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event_detail;
use crate::request::RequestContext;

/// Input of `bulk-operation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkInput {
    /// The operation, stored with its items before the execution starts.
    pub bulk_id: BulkId,
    /// Who asked.
    pub request: RequestContext,
}

/// A bulk operation is over: every item succeeded, failed or was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkOperationCompleted {
    /// The operation.
    pub bulk_id: BulkId,
    /// `invalidate`, `update` or `rollout`.
    pub kind: String,
    /// `SUCCEEDED`, `COMPLETED_WITH_FAILURES` or `CANCELLED`.
    pub status: BulkStatus,
    /// Items in all.
    pub total: usize,
    /// Items that succeeded.
    pub done: usize,
    /// Items that failed (`POST /bulk/{id}/retry` runs them again).
    pub failed: usize,
    /// Items left alone (busy, unchanged, or not reached before a cancel).
    pub skipped: usize,
    /// The operation whose failed items this one ran again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<BulkId>,
}
event_detail!(BulkOperationCompleted, "BulkOperationCompleted", "bulk", bulk_id);

/// A bulk operation's execution failed; items it had started run on to their own end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkOperationFailed {
    /// The operation.
    pub bulk_id: BulkId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(BulkOperationFailed, "BulkOperationFailed", "bulk", bulk_id);
