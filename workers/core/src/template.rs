//! Templates: validation and the stored shapes. A template is a partial distribution spec plus
//! metadata; its spec is checked with the same rules as distributions.

use cfm_events::distribution::DistributionSpec;
use cfm_events::template::TemplateBody;
use serde::{Deserialize, Serialize};

use crate::distribution::{check_fields, is_hostname, within};
use crate::problems::{Problems, quoted};

/// Template categories (as the earlier UI offered).
pub const CATEGORIES: &[&str] = &["Web", "Download", "Streaming", "API", "General"];
/// Feature labels per template.
const MAX_FEATURES: usize = 50;
/// Custom domains in the SSL shortcut (CloudFront's alias quota).
const MAX_DOMAINS: usize = 100;

/// Validates a create request: `name` is required.
pub fn validate_create(body: &TemplateBody) -> Result<(), Problems> {
    let mut problems = Problems::new();
    problems.check(body.name.is_none(), "name", "is required");
    check_body(&mut problems, body);
    problems.into_result(())
}

/// Validates an update: something must change.
pub fn validate_update(body: &TemplateBody) -> Result<(), Problems> {
    let mut problems = Problems::new();
    problems.check(body == &TemplateBody::default(), "body", "nothing to change");
    check_body(&mut problems, body);
    problems.into_result(())
}

fn check_body(problems: &mut Problems, body: &TemplateBody) {
    if let Some(name) = &body.name {
        problems.check(name.trim().is_empty() || name.chars().count() > 128, "name", "must be 1 to 128 characters");
    }
    if let Some(description) = &body.description {
        problems.check(description.chars().count() > 1024, "description", "must be at most 1024 characters");
    }
    if let Some(category) = &body.category {
        problems.check(
            !CATEGORIES.contains(&category.as_str()),
            "category",
            format!("{} is not one of {}", quoted(category), CATEGORIES.join(", ")),
        );
    }
    if let Some(features) = &body.features
        && within(problems, "features", features.len(), MAX_FEATURES)
    {
        for (i, feature) in features.iter().enumerate() {
            problems.check(
                feature.trim().is_empty() || feature.len() > 64,
                format!("features[{i}]"),
                "must be 1 to 64 characters",
            );
        }
    }
    if let Some(ssl) = &body.ssl
        && within(problems, "ssl.customDomains", ssl.custom_domains.len(), MAX_DOMAINS)
    {
        for (i, domain) in ssl.custom_domains.iter().enumerate() {
            problems.check(
                !is_hostname(domain),
                format!("ssl.customDomains[{i}]"),
                format!("{} is not a valid lowercase domain name", quoted(domain)),
            );
        }
    }
    if let Some(spec) = body.effective_spec() {
        let mut spec_problems = Problems::new();
        check_fields(&mut spec_problems, &spec);
        problems.extend_under("spec", spec_problems);
    }
}

/// The spec a template apply asks for: the version's spec, then every field set in `overrides`
/// replaces the template's whole, then the distribution's `name`.
pub fn applied_spec(version: &DistributionSpec, overrides: &DistributionSpec, name: &str) -> DistributionSpec {
    let name = DistributionSpec { name: Some(name.to_owned()), ..Default::default() };
    version.merged(overrides).merged(&name)
}

/// A template as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRecord {
    /// `tmpl-…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Category.
    pub category: String,
    /// Feature labels.
    #[serde(default)]
    pub features: Vec<String>,
    /// The newest version number.
    pub latest_version: u32,
    /// Deleted templates stay for the audit trail but are hidden from lists.
    #[serde(default)]
    pub deleted: bool,
    /// Who created it.
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// The request that created it.
    pub created_by_execution: String,
    /// Optimistic-lock version.
    #[serde(default)]
    pub version: u64,
}

/// One immutable version of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateVersion {
    /// 1, 2, …
    pub version: u32,
    /// The partial spec.
    pub spec: DistributionSpec,
    /// Who made it.
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use cfm_events::template::SslShortcut;

    use super::*;

    fn fields(r: Result<(), Problems>) -> Vec<String> {
        r.err().map(|p| p.list().iter().map(|p| p.field.clone()).collect()).unwrap_or_default()
    }

    #[test]
    fn the_ssl_shortcut_maps_to_the_right_spec_fields() {
        let body = TemplateBody {
            name: Some("t".into()),
            ssl: Some(SslShortcut {
                certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/x".into(),
                custom_domains: vec!["cdn.example.com".into()],
                viewer_protocol: None,
                min_tls_version: None,
            }),
            ..Default::default()
        };
        let spec = body.effective_spec().unwrap();
        assert_eq!(spec.certificate_arn.as_deref(), Some("arn:aws:acm:us-east-1:123456789012:certificate/x"));
        assert_eq!(spec.aliases, Some(vec!["cdn.example.com".to_owned()]));
        assert_eq!(spec.viewer_protocol_policy.as_deref(), Some("redirect-to-https"));
        assert_eq!(spec.minimum_protocol_version.as_deref(), Some("TLSv1.2_2021"));
        assert_eq!(validate_create(&body), Ok(()));
    }

    #[test]
    fn spec_problems_are_reported_under_spec() {
        let body = TemplateBody {
            category: Some("Games".into()),
            spec: Some(DistributionSpec { price_class: Some("cheap".into()), ..Default::default() }),
            ..Default::default()
        };
        assert_eq!(fields(validate_create(&body)), ["name", "category", "spec.priceClass"]);
        assert_eq!(fields(validate_update(&TemplateBody::default())), ["body"]);
    }
}
