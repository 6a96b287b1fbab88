//! The stored state of an origin.

use cfm_events::origin::{CorsRule, OriginSpec, Website};
use serde::{Deserialize, Serialize};

use crate::claim::{Busy, Claim, ClaimSlot};

/// Where an origin is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OriginStatus {
    /// `create-origin` is running.
    Creating,
    /// Ready for distributions.
    Active,
    /// `update-origin` is running.
    Updating,
    /// Creating failed; everything made was removed. See `lastError`.
    Failed,
    /// `delete-origin` is running.
    Deleting,
    /// Deleting failed after the bucket was removed; delete again to finish.
    DeleteFailed,
}

impl OriginStatus {
    /// The upper-case name used in lists and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Creating => "CREATING",
            Self::Active => "ACTIVE",
            Self::Updating => "UPDATING",
            Self::Failed => "FAILED",
            Self::Deleting => "DELETING",
            Self::DeleteFailed => "DELETE_FAILED",
        }
    }
}

/// A change a workflow makes to an existing origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginChange {
    /// `update-origin`.
    Update,
    /// `delete-origin`.
    Delete,
}

impl OriginChange {
    /// The workflow that makes the change.
    pub fn workflow(self) -> &'static str {
        match self {
            Self::Update => "update-origin",
            Self::Delete => "delete-origin",
        }
    }
}

/// A failure recorded on a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedError {
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}

/// An origin as cfm stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginRecord {
    /// `org-…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The S3 bucket.
    pub bucket_name: String,
    /// The bucket's region.
    pub region: String,
    /// Lifecycle status.
    pub status: OriginStatus,
    /// The Origin Access Control id, once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oac_id: Option<String>,
    /// CORS rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<Vec<CorsRule>>,
    /// Website documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<Website>,
    /// Ids of the distributions that use this origin.
    #[serde(default)]
    pub distributions: Vec<String>,
    /// The execution that created it (idempotent retries carry the same name).
    pub created_by_execution: String,
    /// Who created it.
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// The last failure, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<RecordedError>,
    /// The execution working on it (or the last that did).
    #[serde(default, skip_serializing_if = "ClaimSlot::is_empty")]
    pub claim: ClaimSlot,
    /// Optimistic-lock version, bumped on every write.
    #[serde(default)]
    pub version: u64,
}

impl OriginRecord {
    /// A new record in `Creating`, claimed by the execution (`execution_arn`, named `execution`)
    /// that creates it.
    pub fn creating(id: &str, spec: &OriginSpec, execution: &str, execution_arn: &str, actor: &str, now: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: spec.name.clone(),
            bucket_name: spec.bucket_name.clone(),
            region: spec.region.clone(),
            status: OriginStatus::Creating,
            oac_id: None,
            cors: spec.cors.clone(),
            website: spec.website.clone(),
            distributions: Vec::new(),
            created_by_execution: execution.to_owned(),
            created_by: actor.to_owned(),
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
            last_error: None,
            claim: ClaimSlot::held(Claim::new(execution_arn, "create-origin", now)),
            version: 0,
        }
    }

    fn what(&self) -> String {
        format!("origin {}", self.id)
    }

    /// Claims it for `change` by `execution`: an update needs it active; a delete also takes a
    /// failed one, and only while no distribution uses it. Claiming again for the same
    /// execution changes nothing.
    pub fn claim_for(&mut self, change: OriginChange, execution: &str, now: &str) -> Result<(), Busy> {
        if self.claim.is_mine(execution) {
            return Ok(());
        }
        if change == OriginChange::Delete && !self.distributions.is_empty() {
            return Err(Busy(format!(
                "{} is used by distributions {}; delete them first",
                self.what(),
                self.distributions.join(", ")
            )));
        }
        let allowed = match change {
            OriginChange::Update => self.status == OriginStatus::Active,
            OriginChange::Delete => {
                matches!(self.status, OriginStatus::Active | OriginStatus::Failed | OriginStatus::DeleteFailed)
            }
        };
        if !allowed && !self.claim.is_held() {
            return Err(Busy(format!("{} is {}; it cannot change now", self.what(), self.status.as_str())));
        }
        let what = self.what();
        self.claim.take(Claim::new(execution, change.workflow(), now), &what)?;
        self.status = match change {
            OriginChange::Update => OriginStatus::Updating,
            OriginChange::Delete => OriginStatus::Deleting,
        };
        Ok(())
    }

    /// Fails unless `execution` holds the claim.
    pub fn check_claim(&self, execution: &str) -> Result<(), Busy> {
        self.claim.check(execution, &self.what())
    }

    /// Whether `execution` holds the claim.
    pub fn claimed_by(&self, execution: &str) -> bool {
        self.claim.holds(execution)
    }

    /// Whether `execution` holds the claim or was the last to hold it.
    pub fn is_mine(&self, execution: &str) -> bool {
        self.claim.is_mine(execution)
    }

    /// Whether `execution`'s work on this record is over (`true`: it already ended its claim,
    /// so a repeated delivery of its last step has nothing to do) or still under way (`false`).
    /// Refused if another execution holds the record.
    pub fn finished_by(&self, execution: &str) -> Result<bool, Busy> {
        if self.claim.holds(execution) {
            Ok(false)
        } else if self.claim.is_mine(execution) {
            Ok(true)
        } else {
            self.check_claim(execution).map(|()| false)
        }
    }

    /// Ends `execution`'s claim in `status` (a finished step). `Ok(false)` if that execution
    /// already ended it (a repeated delivery); refused if another execution holds the record.
    pub fn finish(&mut self, execution: &str, status: OriginStatus) -> Result<bool, Busy> {
        if self.claim.release(execution) {
            self.status = status;
            return Ok(true);
        }
        if self.claim.is_mine(execution) { Ok(false) } else { self.check_claim(execution).map(|()| false) }
    }

    /// Settles `execution`'s work in `status` whether or not it still holds the claim (a
    /// failure path: the step that released it may have succeeded unseen). A record another
    /// execution has taken since is left alone; returns whether it was settled.
    pub fn settle(&mut self, execution: &str, status: OriginStatus) -> bool {
        let mine = self.claim.is_mine(execution);
        if mine {
            self.claim.release(execution);
            self.status = status;
        }
        mine
    }
}
