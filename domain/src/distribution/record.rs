//! The stored state of a distribution, and the rules for changing it.

use crate::edge::EdgeBinding;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::draft::DistributionSpec;
use crate::claim::{Busy, Claim};
use crate::record::{Claimed, RecordMeta, stored_record};
use crate::values::{CloudFrontId, DistributionArn, DistributionId, Hostname, OaiId, OriginId, TemplateId, Timestamp};
use crate::vocabulary;

vocabulary!(
    /// Where a distribution is in its life.
    DistributionStatus {
        /// `create-distribution` is running.
        Creating => "CREATING",
        /// Created or changed; CloudFront is deploying.
        InProgress => "IN_PROGRESS",
        /// CloudFront says `Deployed`.
        Deployed => "DEPLOYED",
        /// `update-distribution` is running.
        Updating => "UPDATING",
        /// `delete-distribution` is running.
        Deleting => "DELETING",
        /// Creating failed. See `lastError`.
        Failed => "FAILED",
    }
);

vocabulary!(
    /// CloudFront's own deployment status.
    DeployStatus {
        /// A change is propagating to the edge.
        InProgress => "InProgress",
        /// Every edge location has the current configuration.
        Deployed => "Deployed",
    }
);

impl DistributionStatus {
    /// The settled status for what CloudFront shows.
    pub fn settled(deploy: Option<DeployStatus>) -> Self {
        match deploy {
            Some(DeployStatus::Deployed) => Self::Deployed,
            _ => Self::InProgress,
        }
    }
}

/// A template version a distribution was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRef {
    /// The template.
    pub template_id: TemplateId,
    /// Its version.
    pub version: u32,
}

/// The distribution CloudFront made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloudFrontRef {
    /// CloudFront's id.
    pub cloudfront_id: CloudFrontId,
    /// Its ARN.
    pub arn: DistributionArn,
    /// `dxxxx.cloudfront.net`.
    pub domain_name: String,
}

/// A distribution as cfm stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistributionRecord {
    /// `dist-…`.
    pub id: DistributionId,
    /// The complete spec last applied.
    pub spec: DistributionSpec,
    /// Lifecycle status.
    pub status: DistributionStatus,
    /// CloudFront's distribution, once made.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub cloudfront: Option<CloudFrontRef>,
    /// CloudFront's own status when last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudfront_status: Option<DeployStatus>,
    /// CloudFront's revision of the config the last reconcile read (`LastModifiedTime`): while
    /// the list shows the same, the config is not read again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudfront_revision: Option<String>,
    /// Settings found changed outside cfm by the last reconcile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<String>,
    /// The template version it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
    /// Origins the change in flight removed: they keep their grant until CloudFront has
    /// deployed the change everywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retiring: Vec<OriginId>,
    /// The edge function its routing runs, once published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge_function: Option<EdgeBinding>,
    /// How many routing generations it has had: every edge function it ever ran is one of
    /// `1..=edge_generations`, whether or not a binding still names it.
    #[serde(default)]
    pub edge_generations: u32,
    /// The function a routing change in flight published, until CloudFront takes the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_edge_function: Option<EdgeBinding>,
    /// The function a routing change replaced, until the change is deployed everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retiring_edge_function: Option<EdgeBinding>,
    /// The Origin Access Identity a Lambda@Edge distribution reaches its buckets through (made
    /// before the distribution, deleted after it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_access_identity: Option<OaiId>,
    /// The aliases cfm keeps Route 53 alias records for (it removes only these).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alias_records: Vec<Hostname>,
    /// Bookkeeping.
    #[serde(flatten)]
    pub meta: RecordMeta,
}

stored_record!(DistributionRecord, "DISTRIBUTION", "distribution", DistributionStatus);

impl DistributionRecord {
    /// A new record in `Creating`, claimed by the execution that creates it.
    pub fn creating(
        id: DistributionId,
        spec: DistributionSpec,
        template: Option<TemplateRef>,
        claim: Claim,
        actor: &str,
        now: Timestamp,
    ) -> Self {
        let execution_name = claim.execution.name().to_owned();
        Self {
            id,
            spec,
            status: DistributionStatus::Creating,
            cloudfront: None,
            cloudfront_status: None,
            cloudfront_revision: None,
            drift: Vec::new(),
            template,
            retiring: Vec::new(),
            edge_function: None,
            edge_generations: 0,
            pending_edge_function: None,
            retiring_edge_function: None,
            origin_access_identity: None,
            alias_records: Vec::new(),
            meta: RecordMeta::new(&execution_name, actor, now).claimed(claim),
        }
    }

    /// CloudFront's id, once it made the distribution.
    pub fn cloudfront_id(&self) -> Option<&CloudFrontId> {
        self.cloudfront.as_ref().map(|c| &c.cloudfront_id)
    }

    /// Claims it for `update-distribution`: it must be deployed or deploying.
    pub fn claim_for_update(&mut self, claim: Claim) -> Result<DistributionStatus, Busy> {
        use DistributionStatus::*;
        self.claim_for(claim, &[Deployed, InProgress], Updating)
    }

    /// Claims it for `delete-distribution`: deployed, deploying, or failed.
    pub fn claim_for_delete(&mut self, claim: Claim) -> Result<DistributionStatus, Busy> {
        use DistributionStatus::*;
        self.claim_for(claim, &[Deployed, InProgress, Failed], Deleting)
    }

    /// Whether it can be invalidated now: CloudFront has it and it is not going away.
    pub fn can_invalidate(&self) -> Result<&CloudFrontId, Busy> {
        match (self.cloudfront_id(), self.status) {
            (Some(id), s) if !matches!(s, DistributionStatus::Deleting | DistributionStatus::Failed) => Ok(id),
            _ => Err(Busy(format!("distribution {} is {}; nothing to invalidate", self.id, self.status))),
        }
    }
}
