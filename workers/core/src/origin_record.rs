//! The stored state of an origin.

use cfm_events::origin::{CorsRule, OriginSpec, Website};
use serde::{Deserialize, Serialize};

/// Where an origin is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OriginStatus {
    /// `create-origin` is running.
    Creating,
    /// Ready for distributions.
    Active,
    /// Creating failed; everything made was removed. See `lastError`.
    Failed,
    /// `delete-origin` is running.
    Deleting,
    /// Deleting failed after the bucket was removed; delete again to finish.
    DeleteFailed,
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
    /// Optimistic-lock version, bumped on every write.
    #[serde(default)]
    pub version: u64,
}

impl OriginRecord {
    /// A new record in `Creating`.
    pub fn creating(id: &str, spec: &OriginSpec, execution: &str, actor: &str, now: &str) -> Self {
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
            version: 0,
        }
    }
}
