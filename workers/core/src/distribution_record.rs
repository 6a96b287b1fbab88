//! The stored state of a distribution.

use cfm_events::distribution::{DistributionSpec, TemplateRef};
use serde::{Deserialize, Serialize};

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

    /// Whether a workflow is running on it.
    pub fn is_busy(self) -> bool {
        matches!(self, Self::Creating | Self::Updating | Self::Deleting)
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
    /// Optimistic-lock version.
    #[serde(default)]
    pub version: u64,
}

impl DistributionRecord {
    /// A new record in `Creating`.
    pub fn creating(
        id: &str,
        spec: &DistributionSpec,
        template: Option<TemplateRef>,
        execution: &str,
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
            version: 0,
        }
    }

    /// The origin it serves.
    pub fn origin_id(&self) -> &str {
        self.spec.origin_id.as_deref().unwrap_or_default()
    }
}
