//! Bulk operations: one workflow acting on many distributions (invalidate, update, roll a
//! template version out), chosen by a [`Selector`], planned item by item before anything runs.

mod action;
mod record;
mod request;
mod selector;

pub use action::{BulkAction, Plan, Versions, changed_fields, rollout_patch};
pub use record::{BulkItem, BulkRecord, BulkStatus, CHUNK_SIZE, MAX_ITEMS, Outcome, Pace, Progress, ROUND_BUDGET};
pub use request::{BulkInvalidationRequest, BulkPlan, BulkUpdateRequest, RolloutRequest};
pub use selector::{MAX_EXPLICIT_IDS, Selector, SelectorRequest};

#[cfg(test)]
mod tests;
