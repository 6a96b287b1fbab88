//! Distribution templates: a partial distribution spec plus metadata, versioned.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::distribution::DistributionSpec;
use crate::envelope::EventDetail;

/// The SSL shortcut the earlier implementation offered; cfm maps it onto the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SslShortcut {
    /// ACM certificate in us-east-1 → `certificateArn`.
    pub certificate_arn: String,
    /// Domains → `aliases`.
    #[serde(default)]
    pub custom_domains: Vec<String>,
    /// → `viewerProtocolPolicy` (default redirect-to-https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer_protocol: Option<String>,
    /// → `minimumProtocolVersion` (default TLSv1.2_2021).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_tls_version: Option<String>,
}

impl SslShortcut {
    /// The spec fields the shortcut stands for.
    pub fn as_spec(&self) -> DistributionSpec {
        DistributionSpec {
            certificate_arn: Some(self.certificate_arn.clone()),
            aliases: Some(self.custom_domains.clone()),
            viewer_protocol_policy: Some(self.viewer_protocol.clone().unwrap_or_else(|| "redirect-to-https".into())),
            minimum_protocol_version: Some(self.min_tls_version.clone().unwrap_or_else(|| "TLSv1.2_2021".into())),
            ..Default::default()
        }
    }
}

/// A create or update request for a template. On update, absent fields keep their values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateBody {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Web, Download, Streaming, API or General.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Feature labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// The partial distribution spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<DistributionSpec>,
    /// The SSL shortcut, applied on top of `spec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl: Option<SslShortcut>,
}

impl TemplateBody {
    /// The spec this body asks for: `spec` with the SSL shortcut applied.
    pub fn effective_spec(&self) -> Option<DistributionSpec> {
        match (&self.spec, &self.ssl) {
            (None, None) => None,
            (spec, ssl) => {
                let base = spec.clone().unwrap_or_default();
                Some(ssl.as_ref().map_or(base.clone(), |s| base.merged(&s.as_spec())))
            }
        }
    }
}

/// Applying a template: a name, optionally a version, and overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyTemplate {
    /// The new distribution's name.
    #[serde(default)]
    pub name: String,
    /// The template version (default: the latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Spec fields that replace the template's (whole fields, not merged inside).
    #[serde(default)]
    pub overrides: DistributionSpec,
}

/// Input of `apply-template`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyTemplateInput {
    /// The template.
    pub template_id: String,
    /// The version to apply.
    pub version: u32,
    /// The new distribution's name.
    pub name: String,
    /// Fields replacing the template's.
    pub overrides: DistributionSpec,
    /// The id the distribution will have.
    pub distribution_id: String,
    /// Who asked.
    pub request: crate::origin::RequestContext,
}

macro_rules! template_event {
    ($ty:ident, $detail_type:literal) => {
        impl EventDetail for $ty {
            const DETAIL_TYPE: &'static str = $detail_type;
            const RESOURCE_TYPE: &'static str = "template";
            fn resource_id(&self) -> &str {
                &self.template_id
            }
        }
    };
}

/// A template was created (version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateCreated {
    /// The template id.
    pub template_id: String,
    /// Its name.
    pub name: String,
    /// Always 1.
    pub version: u32,
}
template_event!(TemplateCreated, "TemplateCreated");

/// A template got a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateUpdated {
    /// The template id.
    pub template_id: String,
    /// The new version.
    pub version: u32,
}
template_event!(TemplateUpdated, "TemplateUpdated");

/// A template was marked deleted; its versions are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDeleted {
    /// The template id.
    pub template_id: String,
}
template_event!(TemplateDeleted, "TemplateDeleted");

/// A distribution was created from a template version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateApplied {
    /// The template id.
    pub template_id: String,
    /// The version applied.
    pub version: u32,
    /// The distribution it made.
    pub distribution_id: String,
}
template_event!(TemplateApplied, "TemplateApplied");

/// Applying a template failed; `create-distribution` (if it started) recorded its own failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateApplyFailed {
    /// The template id.
    pub template_id: String,
    /// The version applied.
    pub version: u32,
    /// The distribution it was to make.
    pub distribution_id: String,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
template_event!(TemplateApplyFailed, "TemplateApplyFailed");
