//! Templates as stored: the record and its immutable versions.

use serde::{Deserialize, Serialize};

use super::request::{TemplateCategory, TemplateChange};
use crate::distribution::{DistributionDraft, DistributionSpec};
use crate::problems::Problems;
use crate::record::{Record, RecordMeta};
use crate::values::{DisplayName, TemplateId, Timestamp};
use crate::vocabulary;

vocabulary!(
    /// Whether a template can be used.
    TemplateStatus {
        /// Listed and applicable.
        Active => "ACTIVE",
        /// Hidden; its versions are kept.
        Deleted => "DELETED",
    }
);

/// A template as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRecord {
    /// `tmpl-…`.
    pub id: TemplateId,
    /// Display name.
    pub name: DisplayName,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Category.
    pub category: TemplateCategory,
    /// Feature labels.
    #[serde(default)]
    pub features: Vec<String>,
    /// The newest version number.
    pub latest_version: u32,
    /// Deleted templates stay for the audit trail but are hidden from lists.
    #[serde(default)]
    pub deleted: bool,
    /// Bookkeeping.
    #[serde(flatten)]
    pub meta: RecordMeta,
}

impl Record for TemplateRecord {
    const KIND: &'static str = "TEMPLATE";
    const NOUN: &'static str = "template";
    type Status = TemplateStatus;
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn status(&self) -> TemplateStatus {
        if self.deleted { TemplateStatus::Deleted } else { TemplateStatus::Active }
    }
    fn set_status(&mut self, status: TemplateStatus) {
        self.deleted = status == TemplateStatus::Deleted;
    }
    fn meta(&self) -> &RecordMeta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }
}

/// One immutable version of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateVersion {
    /// 1, 2, …
    pub version: u32,
    /// The partial spec.
    pub spec: DistributionDraft,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
}

impl TemplateRecord {
    /// A new template (version 1 of `change`, which has a name) and its first version.
    pub fn create(id: TemplateId, change: TemplateChange, actor: &str, now: Timestamp) -> (Self, TemplateVersion) {
        let record = Self {
            name: change.name.clone().unwrap_or_else(|| DisplayName::from_name(id.as_str())),
            description: change.description.clone().unwrap_or_default(),
            category: change.category.unwrap_or(TemplateCategory::General),
            features: change.features.clone().unwrap_or_default(),
            latest_version: 1,
            deleted: false,
            meta: RecordMeta::new(&format!("api:{id}"), actor, now),
            id,
        };
        let first = TemplateVersion {
            version: 1,
            spec: change.spec.unwrap_or_default(),
            created_by: actor.to_owned(),
            created_at: now,
        };
        (record, first)
    }

    /// Applies `change` and returns the new version it makes (the previous spec when the change
    /// sets none).
    pub fn next_version(
        &mut self,
        change: &TemplateChange,
        previous: &TemplateVersion,
        actor: &str,
        now: Timestamp,
    ) -> TemplateVersion {
        if let Some(name) = &change.name {
            self.name = name.clone();
        }
        if let Some(description) = &change.description {
            self.description = description.clone();
        }
        if let Some(category) = change.category {
            self.category = category;
        }
        if let Some(features) = &change.features {
            self.features = features.clone();
        }
        self.latest_version += 1;
        TemplateVersion {
            version: self.latest_version,
            spec: change.spec.clone().unwrap_or_else(|| previous.spec.clone()),
            created_by: actor.to_owned(),
            created_at: now,
        }
    }
}

/// The spec an apply asks for: the version's spec, then every field set in `overrides`
/// replaces the template's whole, then the distribution's `name`. It must be complete.
pub fn applied_spec(
    version: &DistributionDraft,
    overrides: &DistributionDraft,
    name: &DisplayName,
) -> Result<DistributionSpec, Problems> {
    let name = DistributionDraft { name: Some(name.clone()), ..Default::default() };
    DistributionSpec::from_draft(&version.merged(overrides).merged(&name))
}
