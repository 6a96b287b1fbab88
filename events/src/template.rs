//! Distribution templates: the `apply-template` input and the template events.

use cfm_domain::distribution::DistributionDraft;
use cfm_domain::failure::Failure;
use cfm_domain::values::{DisplayName, DistributionId, TemplateId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event_detail;
use crate::request::RequestContext;

/// Input of `apply-template`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyTemplateInput {
    /// The template.
    pub template_id: TemplateId,
    /// The version to apply.
    pub version: u32,
    /// The new distribution's name.
    pub name: DisplayName,
    /// Fields replacing the template's.
    pub overrides: DistributionDraft,
    /// The id the distribution will have.
    pub distribution_id: DistributionId,
    /// Who asked.
    pub request: RequestContext,
}

/// A template was created (version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateCreated {
    /// The template id.
    pub template_id: TemplateId,
    /// Its name.
    pub name: DisplayName,
    /// Always 1.
    pub version: u32,
}
event_detail!(TemplateCreated, "TemplateCreated", "template", template_id);

/// A template got a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateUpdated {
    /// The template id.
    pub template_id: TemplateId,
    /// The new version.
    pub version: u32,
}
event_detail!(TemplateUpdated, "TemplateUpdated", "template", template_id);

/// A template was marked deleted; its versions are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDeleted {
    /// The template id.
    pub template_id: TemplateId,
}
event_detail!(TemplateDeleted, "TemplateDeleted", "template", template_id);

/// A distribution was created from a template version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateApplied {
    /// The template id.
    pub template_id: TemplateId,
    /// The version applied.
    pub version: u32,
    /// The distribution it made.
    pub distribution_id: DistributionId,
}
event_detail!(TemplateApplied, "TemplateApplied", "template", template_id);

/// Applying a template failed; `create-distribution` (if it started) recorded its own failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateApplyFailed {
    /// The template id.
    pub template_id: TemplateId,
    /// The version applied.
    pub version: u32,
    /// The distribution it was to make.
    pub distribution_id: DistributionId,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(TemplateApplyFailed, "TemplateApplyFailed", "template", template_id);
