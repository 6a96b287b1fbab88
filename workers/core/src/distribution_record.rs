//! The stored state of a distribution.

use cfm_events::distribution::{DistributionSpec, TemplateRef};
use serde::{Deserialize, Serialize};

use crate::claim::{Busy, Claim, ClaimSlot};
use crate::origin_record::RecordedError;

/// Where a distribution is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DistributionStatus {
    /// `create-distribution` is running.
    Creating,
    /// Created or changed; CloudFront is deploying.
    InProgress,
    /// CloudFront says `Deployed`.
    Deployed,
    /// `update-distribution` is running.
    Updating,
    /// `delete-distribution` is running.
    Deleting,
    /// Creating failed; whatever was made was removed. See `lastError`.
    Failed,
}

impl DistributionStatus {
    /// The upper-case name used in lists and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            DistributionStatus::Creating => "CREATING",
            DistributionStatus::InProgress => "IN_PROGRESS",
            DistributionStatus::Deployed => "DEPLOYED",
            DistributionStatus::Updating => "UPDATING",
            DistributionStatus::Deleting => "DELETING",
            DistributionStatus::Failed => "FAILED",
        }
    }

    /// Parses a filter value.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Creating, Self::InProgress, Self::Deployed, Self::Updating, Self::Deleting, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A distribution as cfm stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistributionRecord {
    /// `dist-…`.
    pub id: String,
    /// The complete spec last applied.
    pub spec: DistributionSpec,
    /// Lifecycle status.
    pub status: DistributionStatus,
    /// CloudFront's id, once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudfront_id: Option<String>,
    /// CloudFront's ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `dxxxx.cloudfront.net`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// CloudFront's own status (`InProgress`/`Deployed`) when last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudfront_status: Option<String>,
    /// Settings found changed outside cfm by the last reconcile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<String>,
    /// The template version it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
    /// The execution that created it.
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
    /// Optimistic-lock version.
    #[serde(default)]
    pub version: u64,
}

/// A change a workflow makes to an existing distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistributionChange {
    /// `update-distribution`.
    Update,
    /// `delete-distribution`.
    Delete,
}

impl DistributionChange {
    /// The workflow that makes the change.
    pub fn workflow(self) -> &'static str {
        match self {
            Self::Update => "update-distribution",
            Self::Delete => "delete-distribution",
        }
    }
}

impl DistributionRecord {
    /// A new record in `Creating`, claimed by the execution (`execution_arn`, named
    /// `execution`) that creates it.
    pub fn creating(
        id: &str,
        spec: &DistributionSpec,
        template: Option<TemplateRef>,
        execution: &str,
        execution_arn: &str,
        actor: &str,
        now: &str,
    ) -> Self {
        Self {
            id: id.to_owned(),
            spec: spec.clone(),
            status: DistributionStatus::Creating,
            cloudfront_id: None,
            arn: None,
            domain_name: None,
            cloudfront_status: None,
            drift: Vec::new(),
            template,
            created_by_execution: execution.to_owned(),
            created_by: actor.to_owned(),
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
            last_error: None,
            claim: ClaimSlot::held(Claim::new(execution_arn, "create-distribution", now)),
            version: 0,
        }
    }

    /// The origin it serves.
    pub fn origin_id(&self) -> &str {
        self.spec.origin_id.as_deref().unwrap_or_default()
    }

    fn what(&self) -> String {
        format!("distribution {}", self.id)
    }

    /// Claims it for `change` by `execution`: an update needs it deployed or deploying, a delete
    /// also takes a failed one. Claiming again for the same execution changes nothing.
    pub fn claim_for(&mut self, change: DistributionChange, execution: &str, now: &str) -> Result<(), Busy> {
        if self.claim.is_mine(execution) {
            return Ok(());
        }
        let allowed = match change {
            DistributionChange::Update => {
                matches!(self.status, DistributionStatus::Deployed | DistributionStatus::InProgress)
            }
            DistributionChange::Delete => {
                matches!(
                    self.status,
                    DistributionStatus::Deployed | DistributionStatus::InProgress | DistributionStatus::Failed
                )
            }
        };
        if !allowed && !self.claim.is_held() {
            return Err(Busy(format!("{} is {}; it cannot change now", self.what(), self.status.as_str())));
        }
        // Held by another execution: refused here (a busy record is never `allowed`).
        let what = self.what();
        self.claim.take(Claim::new(execution, change.workflow(), now), &what)?;
        self.status = match change {
            DistributionChange::Update => DistributionStatus::Updating,
            DistributionChange::Delete => DistributionStatus::Deleting,
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
    pub fn finish(&mut self, execution: &str, status: DistributionStatus) -> Result<bool, Busy> {
        if self.claim.release(execution) {
            self.status = status;
            return Ok(true);
        }
        if self.claim.is_mine(execution) { Ok(false) } else { self.check_claim(execution).map(|()| false) }
    }

    /// Settles `execution`'s work in `status` whether or not it still holds the claim (a
    /// failure path: the step that released it may have succeeded unseen). A record another
    /// execution has taken since is left alone; returns whether it was settled.
    pub fn settle(&mut self, execution: &str, status: DistributionStatus) -> bool {
        let mine = self.claim.is_mine(execution);
        if mine {
            self.claim.release(execution);
            self.status = status;
        }
        mine
    }
}
