//! Templates as users write them, and their parsing: a template is a partial distribution spec
//! plus metadata; the SSL shortcut of the earlier implementation maps onto spec fields.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::distribution::{DistributionDraft, DistributionRequest, parse_hostnames};
use crate::problems::Problems;
use crate::problems::within;
use crate::values::{Checked, DisplayName};
use crate::vocabulary;
use crate::vocabulary::Vocabulary;

/// Feature labels per template.
const MAX_FEATURES: usize = 50;
/// Custom domains in the SSL shortcut (CloudFront's alias quota).
const MAX_DOMAINS: usize = 100;

vocabulary!(
    /// Template categories (as the earlier UI offered).
    TemplateCategory {
        /// Websites.
        Web => "Web",
        /// Large downloads.
        Download => "Download",
        /// Media streaming.
        Streaming => "Streaming",
        /// APIs.
        Api => "API",
        /// Anything else (the default).
        General => "General",
    }
);

/// The SSL shortcut: a certificate and the domains it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SslRequest {
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

impl SslRequest {
    /// The spec fields the shortcut stands for.
    fn as_request(&self) -> DistributionRequest {
        DistributionRequest {
            certificate_arn: Some(self.certificate_arn.clone()),
            aliases: Some(self.custom_domains.clone()),
            viewer_protocol_policy: Some(self.viewer_protocol.clone().unwrap_or_else(|| "redirect-to-https".into())),
            minimum_protocol_version: Some(self.min_tls_version.clone().unwrap_or_else(|| "TLSv1.2_2021".into())),
            ..Default::default()
        }
    }
}

/// `POST /templates` and `PUT /templates/{id}`: on update, absent fields keep their values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateRequest {
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
    pub spec: Option<DistributionRequest>,
    /// The SSL shortcut, applied on top of `spec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl: Option<SslRequest>,
}

/// A parsed template create or update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateChange {
    /// New name.
    pub name: Option<DisplayName>,
    /// New description.
    pub description: Option<String>,
    /// New category.
    pub category: Option<TemplateCategory>,
    /// New feature labels.
    pub features: Option<Vec<String>>,
    /// The new version's spec (the SSL shortcut applied), if it changes.
    pub spec: Option<DistributionDraft>,
}

impl TemplateRequest {
    /// A create: `name` is required.
    pub fn parse_create(&self) -> Result<TemplateChange, Problems> {
        let mut problems = Problems::new();
        problems.check(self.name.is_none(), "name", "is required");
        self.parse_into(problems)
    }

    /// An update: something must change.
    pub fn parse_update(&self) -> Result<TemplateChange, Problems> {
        let mut problems = Problems::new();
        problems.check(self == &Self::default(), "body", "nothing to change");
        self.parse_into(problems)
    }

    /// The spec this request asks for: `spec` with the SSL shortcut applied.
    fn effective_spec(&self) -> Option<DistributionRequest> {
        match (&self.spec, &self.ssl) {
            (None, None) => None,
            (spec, ssl) => {
                let base = spec.clone().unwrap_or_default();
                Some(ssl.as_ref().map_or(base.clone(), |s| overlay(&base, &s.as_request())))
            }
        }
    }

    fn parse_into(&self, mut problems: Problems) -> Result<TemplateChange, Problems> {
        let name = self.name.as_ref().and_then(|n| DisplayName::parse_into(&mut problems, "name", n));
        if let Some(description) = &self.description {
            problems.check(description.chars().count() > 1024, "description", "must be at most 1024 characters");
        }
        let category = self.category.as_ref().and_then(|c| TemplateCategory::parse_into(&mut problems, "category", c));
        if let Some(features) = &self.features
            && within(&mut problems, "features", features.len(), MAX_FEATURES)
        {
            for (i, feature) in features.iter().enumerate() {
                problems.check(
                    feature.trim().is_empty() || feature.len() > 64,
                    format!("features[{i}]"),
                    "must be 1 to 64 characters",
                );
            }
        }
        if let Some(ssl) = &self.ssl {
            parse_hostnames(&mut problems, "ssl.customDomains", &ssl.custom_domains, MAX_DOMAINS);
        }
        // A template's spec is partial, but what it sets must hold together.
        let spec = match self.effective_spec().map(|s| s.parse()) {
            Some(Ok(draft)) => {
                let mut pairs = Problems::new();
                draft.check_pairs(&mut pairs);
                problems.extend_under("spec", pairs);
                Some(draft)
            }
            Some(Err(spec_problems)) => {
                problems.extend_under("spec", spec_problems);
                None
            }
            None => None,
        };
        problems.into_result(TemplateChange {
            name,
            description: self.description.clone(),
            category,
            features: self.features.clone(),
            spec,
        })
    }
}

/// `base` with every field `over` sets replaced.
fn overlay(base: &DistributionRequest, over: &DistributionRequest) -> DistributionRequest {
    let base = serde_json::to_value(base).unwrap_or_default();
    let over = serde_json::to_value(over).unwrap_or_default();
    let mut merged = base.as_object().cloned().unwrap_or_default();
    merged.extend(over.as_object().cloned().unwrap_or_default());
    serde_json::from_value(serde_json::Value::Object(merged)).unwrap_or_default()
}

/// `POST /templates/{id}/apply`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyTemplateRequest {
    /// The new distribution's name.
    #[serde(default)]
    pub name: String,
    /// The template version (default: the latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Spec fields that replace the template's (whole fields, not merged inside).
    #[serde(default)]
    pub overrides: DistributionRequest,
}

/// A parsed apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyTemplate {
    /// The distribution's name.
    pub name: DisplayName,
    /// The version: the one named, else the latest.
    pub version: u32,
    /// Fields replacing the template's.
    pub overrides: DistributionDraft,
}

impl ApplyTemplateRequest {
    /// The apply of a template whose newest version is `latest`, or every problem (override
    /// problems name the spec field).
    pub fn parse(&self, latest: u32) -> Result<ApplyTemplate, Problems> {
        let mut problems = Problems::new();
        let version = self.version.unwrap_or(latest);
        problems.check(!(1..=latest).contains(&version), "version", format!("the template has versions 1 to {latest}"));
        problems.check(self.name.trim().is_empty(), "name", "is required: the new distribution's name");
        let name = (!self.name.trim().is_empty())
            .then(|| DisplayName::parse_into(&mut problems, "name", &self.name))
            .flatten();
        let overrides = self.overrides.parse().map_err(|more| problems.extend_under_root(more)).ok();
        match (name, overrides) {
            (Some(name), Some(overrides)) if problems.is_empty() => Ok(ApplyTemplate { name, version, overrides }),
            _ => Err(problems),
        }
    }
}
