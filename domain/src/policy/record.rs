//! The stored state of a policy, and the rules for changing it.

use serde::{Deserialize, Serialize};

use super::reference::PolicyId;
use super::settings::{PolicyKind, PolicySpec};
use crate::claim::{Busy, Claim};
use crate::record::{Claimed, RecordMeta, stored_record};
use crate::values::{DistributionId, Timestamp};
use crate::vocabulary;

vocabulary!(
    /// Where a policy is in its life.
    PolicyStatus {
        /// `create-policy` is running.
        Creating => "CREATING",
        /// Ready for behaviours.
        Active => "ACTIVE",
        /// `update-policy` is running.
        Updating => "UPDATING",
        /// Creating failed; see `lastError` (delete it to remove anything left).
        Failed => "FAILED",
        /// `delete-policy` is running.
        Deleting => "DELETING",
    }
);

/// A cache or origin-request policy as cfm stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRecord {
    /// `cp-…` or `orp-…`.
    pub id: PolicyId,
    /// What it says.
    #[serde(flatten)]
    pub spec: PolicySpec,
    /// Lifecycle status.
    pub status: PolicyStatus,
    /// CloudFront's id, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudfront_id: Option<String>,
    /// The distributions whose behaviours use it.
    #[serde(default)]
    pub distributions: Vec<DistributionId>,
    /// Bookkeeping.
    #[serde(flatten)]
    pub meta: RecordMeta,
}

stored_record!(PolicyRecord, "POLICY", "policy", PolicyStatus);

impl PolicyRecord {
    /// A new record in `Creating`, claimed by the execution that creates it.
    pub fn creating(id: PolicyId, spec: &PolicySpec, claim: Claim, actor: &str, now: Timestamp) -> Self {
        let execution_name = claim.execution.name().to_owned();
        Self {
            id,
            spec: spec.clone(),
            status: PolicyStatus::Creating,
            cloudfront_id: None,
            distributions: Vec::new(),
            meta: RecordMeta::new(&execution_name, actor, now).claimed(claim),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> PolicyKind {
        self.id.kind()
    }

    /// The comment CloudFront keeps: it names the cfm policy, so that a repeated create finds
    /// the one it made and never adopts a policy made outside cfm.
    pub fn cloudfront_comment(&self) -> String {
        match &self.spec.comment {
            Some(comment) => format!("cfm {}: {comment}", self.id),
            None => format!("cfm {}", self.id),
        }
    }

    /// Whether a CloudFront policy with this comment is this one.
    pub fn owns(&self, comment: &str) -> bool {
        self.id.marks(comment)
    }

    /// Whether behaviours can use it now, with CloudFront's id: active (or being updated).
    pub fn ready(&self) -> Result<&str, Busy> {
        match (self.status, &self.cloudfront_id) {
            (PolicyStatus::Active | PolicyStatus::Updating, Some(id)) => Ok(id),
            _ => Err(Busy(format!("{} {} is {}, not ready", self.kind().noun(), self.id, self.status))),
        }
    }

    /// Claims it for `update-policy`: it must be active.
    pub fn claim_for_update(&mut self, claim: Claim) -> Result<PolicyStatus, Busy> {
        self.claim_for(claim, &[PolicyStatus::Active], PolicyStatus::Updating)
    }

    /// Claims it for `delete-policy`: active or failed, and used by no distribution.
    pub fn claim_for_delete(&mut self, claim: Claim) -> Result<PolicyStatus, Busy> {
        if !self.distributions.is_empty() && !self.is_mine(claim.execution.as_str()) {
            let used: Vec<&str> = self.distributions.iter().map(DistributionId::as_str).collect();
            return Err(Busy(format!(
                "{} is in use by distributions {}; change them first",
                self.what(),
                used.join(", ")
            )));
        }
        self.claim_for(claim, &[PolicyStatus::Active, PolicyStatus::Failed], PolicyStatus::Deleting)
    }

    /// Records that `distribution` uses it; only a ready policy takes a new distribution.
    pub fn reserve_for(&mut self, distribution: &DistributionId) -> Result<(), Busy> {
        self.ready()?;
        if !self.distributions.contains(distribution) {
            self.distributions.push(distribution.clone());
        }
        Ok(())
    }

    /// Forgets that `distribution` uses it.
    pub fn release_for(&mut self, distribution: &DistributionId) {
        self.distributions.retain(|d| d != distribution);
    }

    /// The status a failed delete leaves: active while CloudFront still has it.
    pub fn after_failed_delete(&self) -> PolicyStatus {
        if self.cloudfront_id.is_some() { PolicyStatus::Active } else { PolicyStatus::Failed }
    }
}
