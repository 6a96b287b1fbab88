//! The stored state of an origin, and the rules for changing it.

use serde::{Deserialize, Serialize};

use super::cors::{CorsRule, Website};
use super::spec::{OriginPatch, OriginSpec};
use crate::claim::{Busy, Claim};
use crate::record::{Claimed, RecordMeta, stored_record};
use crate::values::{BucketName, DisplayName, DistributionId, OacId, OriginId, Region, Timestamp};
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
    /// The S3 bucket.
    pub bucket_name: BucketName,
    /// The bucket's region.
    pub region: Region,
    /// Lifecycle status.
    pub status: OriginStatus,
    /// The Origin Access Control id, once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oac_id: Option<OacId>,
    /// CORS rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<Vec<CorsRule>>,
    /// Website documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<Website>,
    /// The distributions that use this origin.
    #[serde(default)]
    pub distributions: Vec<DistributionId>,
    /// Bookkeeping.
    #[serde(flatten)]
    pub meta: RecordMeta,
}

stored_record!(OriginRecord, "ORIGIN", "origin", OriginStatus);

/// What CloudFront needs to reach an origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginTarget {
    /// The cfm origin id (also the origin's id inside the distribution).
    pub origin_id: OriginId,
    /// The bucket's regional REST domain.
    pub domain_name: String,
    /// The origin's OAC.
    pub oac_id: OacId,
    /// The bucket behind it.
    pub bucket_name: BucketName,
    /// The bucket's region.
    pub region: Region,
}

impl OriginRecord {
    /// A new record in `Creating`, claimed by the execution that creates it.
    pub fn creating(id: OriginId, spec: &OriginSpec, claim: Claim, actor: &str, now: Timestamp) -> Self {
        let execution_name = claim.execution.name().to_owned();
        Self {
            id,
            name: spec.name.clone(),
            bucket_name: spec.bucket_name.clone(),
            region: spec.region.clone(),
            status: OriginStatus::Creating,
            oac_id: None,
            cors: spec.cors.clone(),
            website: spec.website.clone(),
            distributions: Vec::new(),
            meta: RecordMeta::new(&execution_name, actor, now).claimed(claim),
        }
    }

    /// The bucket's REST domain, as CloudFront uses it for an OAC origin.
    pub fn regional_domain(&self) -> String {
        format!("{}.s3.{}.amazonaws.com", self.bucket_name, self.region)
    }

    /// Where CloudFront reaches it: only an active origin with its OAC can serve.
    pub fn target(&self) -> Result<OriginTarget, Busy> {
        match (&self.status, &self.oac_id) {
            (OriginStatus::Active | OriginStatus::Updating, Some(oac)) => Ok(OriginTarget {
                origin_id: self.id.clone(),
                domain_name: self.regional_domain(),
                oac_id: oac.clone(),
                bucket_name: self.bucket_name.clone(),
                region: self.region.clone(),
            }),
            _ => Err(Busy(format!("origin {} is {}, not ready", self.id, self.status))),
        }
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

    /// Applies a patch's settings.
    pub fn apply(&mut self, patch: &OriginPatch) {
        if let Some(name) = &patch.name {
            self.name = name.clone();
        }
        if let Some(cors) = &patch.cors {
            self.cors = cors.clone();
        }
        if let Some(website) = &patch.website {
            self.website = website.clone();
        }
    }

    /// The status a failed delete leaves, from what is left: active if bucket and OAC remain
    /// (nothing was removed), failed if it never got an OAC, else `DELETE_FAILED` (deleting
    /// again finishes; also when the bucket could not even be checked).
    pub fn after_failed_delete(&self, bucket_exists: Option<bool>) -> OriginStatus {
        match (bucket_exists, self.oac_id.is_some()) {
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
            name: "o".into(),
            bucket_name: "b-bucket".into(),
            region: "us-east-1".into(),
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
        assert!(origin.target().is_err());
        assert!(origin.reserve_for(&d).is_err());
        assert!(origin.finish(arn("create-origin.x").as_str(), OriginStatus::Active).unwrap());
        origin.oac_id = Some(OacId::parse("E1").unwrap());
        assert_eq!(origin.target().unwrap().domain_name, "b-bucket.s3.us-east-1.amazonaws.com");
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
        for key in ["id", "bucketName", "status", "createdAt", "createdByExecution", "claim", "version"] {
            assert!(value.get(key).is_some(), "{key}: {value}");
        }
        assert_eq!(value["status"], "CREATING");
        assert_eq!(serde_json::from_value::<OriginRecord>(value).unwrap(), original);
    }
}
