//! The stored state of an origin, and the rules for changing it.

use serde::{Deserialize, Serialize};

use super::custom::{CustomHeaders, CustomPatch, redacted};
use super::spec::{OriginKind, OriginPatch, OriginSpec};
use crate::claim::{Busy, Claim};
use crate::record::{Claimed, RecordMeta, stored_record};
use crate::values::{DisplayName, DistributionId, OacId, OriginId, Timestamp};
use crate::vocabulary;

vocabulary!(
    /// Where an origin is in its life.
    OriginStatus {
        /// `create-origin` is running.
        Creating => "CREATING",
        /// Ready for distributions.
        Active => "ACTIVE",
        /// `update-origin` is running.
        Updating => "UPDATING",
        /// Creating failed; see `lastError` (and delete it to remove anything left).
        Failed => "FAILED",
        /// `delete-origin` is running.
        Deleting => "DELETING",
        /// Deleting failed after the bucket was removed; delete again to finish.
        DeleteFailed => "DELETE_FAILED",
    }
);

/// An origin as cfm stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginRecord {
    /// `org-…`.
    pub id: OriginId,
    /// Display name.
    pub name: DisplayName,
    /// The bucket or server, with its settings.
    #[serde(flatten)]
    pub kind: OriginKind,
    /// Lifecycle status.
    pub status: OriginStatus,
    /// An S3 origin's Origin Access Control id, once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oac_id: Option<OacId>,
    /// A custom origin's new headers while `update-origin` applies them (they never travel in
    /// workflow inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staged_headers: Option<CustomHeaders>,
    /// The distributions that use this origin.
    #[serde(default)]
    pub distributions: Vec<DistributionId>,
    /// Bookkeeping.
    #[serde(flatten)]
    pub meta: RecordMeta,
}

stored_record!(OriginRecord, "ORIGIN", "origin", OriginStatus);

impl OriginRecord {
    /// A new record in `Creating`, claimed by the execution that creates it.
    pub fn creating(id: OriginId, spec: &OriginSpec, claim: Claim, actor: &str, now: Timestamp) -> Self {
        let execution_name = claim.execution.name().to_owned();
        Self {
            id,
            name: spec.name.clone(),
            kind: spec.kind.clone(),
            status: OriginStatus::Creating,
            oac_id: None,
            staged_headers: None,
            distributions: Vec::new(),
            meta: RecordMeta::new(&execution_name, actor, now).claimed(claim),
        }
    }

    /// Whether distributions can use it now: active (or being updated) and, for S3, with its OAC.
    pub fn ready(&self) -> Result<(), Busy> {
        let has_access = self.kind.bucket().is_none() || self.oac_id.is_some();
        match self.status {
            OriginStatus::Active | OriginStatus::Updating if has_access => Ok(()),
            _ => Err(Busy(format!("origin {} is {}, not ready", self.id, self.status))),
        }
    }

    /// The record as reads show it: header values hidden.
    pub fn redacted(&self) -> Self {
        Self { kind: self.kind.redacted(), staged_headers: self.staged_headers.as_ref().map(redacted), ..self.clone() }
    }

    /// Claims it for `update-origin`: it must be active.
    pub fn claim_for_update(&mut self, claim: Claim) -> Result<OriginStatus, Busy> {
        self.claim_for(claim, &[OriginStatus::Active], OriginStatus::Updating)
    }

    /// Claims it for `delete-origin`: active or failed, and used by no distribution.
    pub fn claim_for_delete(&mut self, claim: Claim) -> Result<OriginStatus, Busy> {
        if !self.distributions.is_empty() && !self.is_mine(claim.execution.as_str()) {
            let used: Vec<&str> = self.distributions.iter().map(DistributionId::as_str).collect();
            return Err(Busy(format!(
                "{} is used by distributions {}; delete them first",
                self.what(),
                used.join(", ")
            )));
        }
        self.claim_for(
            claim,
            &[OriginStatus::Active, OriginStatus::Failed, OriginStatus::DeleteFailed],
            OriginStatus::Deleting,
        )
    }

    /// Records that `distribution` uses it; only an active origin (or one being updated) may
    /// take a new distribution, so a delete in flight never loses one.
    pub fn reserve_for(&mut self, distribution: &DistributionId) -> Result<(), Busy> {
        if !matches!(self.status, OriginStatus::Active | OriginStatus::Updating) {
            return Err(Busy(format!(
                "origin {} is {}; distributions can use only active origins",
                self.id, self.status
            )));
        }
        if !self.distributions.contains(distribution) {
            self.distributions.push(distribution.clone());
        }
        Ok(())
    }

    /// Forgets that `distribution` uses it.
    pub fn release_for(&mut self, distribution: &DistributionId) {
        self.distributions.retain(|d| d != distribution);
    }

    /// Applies a patch's settings; a custom origin takes its staged headers.
    pub fn apply(&mut self, patch: &OriginPatch) {
        if let Some(name) = &patch.name {
            self.name = name.clone();
        }
        let staged = self.staged_headers.take();
        match &mut self.kind {
            OriginKind::S3(bucket) => {
                if let Some(cors) = &patch.cors {
                    bucket.cors = cors.clone();
                }
                if let Some(website) = &patch.website {
                    bucket.website = website.clone();
                }
            }
            OriginKind::Custom(custom) => {
                let headers = patch.custom.custom_headers.as_ref().map(|_| staged.unwrap_or_default());
                let patch = CustomPatch { custom_headers: headers, ..patch.custom.clone() };
                *custom = custom.patched(&patch);
            }
        }
    }

    /// The status a failed delete leaves, from what is left: active if bucket and OAC remain
    /// (nothing was removed; always so for a custom origin), failed if it never got an OAC,
    /// else `DELETE_FAILED` (deleting again finishes; also when the bucket could not even be
    /// checked).
    pub fn after_failed_delete(&self, bucket_exists: Option<bool>) -> OriginStatus {
        match (bucket_exists, self.oac_id.is_some() || self.kind.bucket().is_none()) {
            (Some(true), true) => OriginStatus::Active,
            (Some(true), false) => OriginStatus::Failed,
            _ => OriginStatus::DeleteFailed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{Checked, ExecutionArn};

    fn arn(name: &str) -> ExecutionArn {
        ExecutionArn::of("arn:aws:states:us-east-1:123456789012:stateMachine:m", name)
    }

    fn record() -> OriginRecord {
        let spec = super::super::OriginRequest {
            name: Some("o".into()),
            bucket_name: Some("b-bucket".into()),
            region: Some("us-east-1".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        let now = Timestamp::at(chrono::Utc::now());
        let claim = Claim::new(&arn("create-origin.x"), "create-origin", now);
        OriginRecord::creating(OriginId::generate(None), &spec, claim, "me", now)
    }

    #[test]
    fn only_an_active_origin_serves_and_takes_distributions() {
        let mut origin = record();
        let d = DistributionId::generate(None);
        assert!(origin.ready().is_err());
        assert!(origin.reserve_for(&d).is_err());
        assert!(origin.finish(arn("create-origin.x").as_str(), OriginStatus::Active).unwrap());
        origin.oac_id = Some(OacId::parse("E1").unwrap());
        origin.ready().unwrap();
        origin.reserve_for(&d).unwrap();
        origin.reserve_for(&d).unwrap();
        assert_eq!(origin.distributions, std::slice::from_ref(&d));
        let now = Timestamp::at(chrono::Utc::now());
        let delete = Claim::new(&arn("delete-origin.y"), "delete-origin", now);
        assert!(origin.claim_for_delete(delete.clone()).unwrap_err().0.contains("used by"));
        origin.release_for(&d);
        assert_eq!(origin.claim_for_delete(delete).unwrap(), OriginStatus::Active);
        assert_eq!(origin.status, OriginStatus::Deleting);
        assert!(origin.reserve_for(&d).is_err(), "a deleting origin takes no distribution");
    }

    #[test]
    fn the_json_shape_is_flat_and_round_trips() {
        let original = record();
        let value = serde_json::to_value(&original).unwrap();
        for key in ["id", "type", "bucketName", "status", "createdAt", "createdByExecution", "claim", "version"] {
            assert!(value.get(key).is_some(), "{key}: {value}");
        }
        assert_eq!(value["status"], "CREATING");
        assert_eq!(serde_json::from_value::<OriginRecord>(value).unwrap(), original);
    }
}
