//! The bodies that start bulk operations, parsed up front with every problem named.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::action::BulkAction;
use super::selector::{Selector, SelectorRequest};
use crate::distribution::{DistributionRequest, InvalidationRequest};
use crate::problems::Problems;
use crate::values::TemplateId;

/// What a parsed request starts: the selector as given, as parsed, and the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkPlan {
    /// The selector as given (kept on the record).
    pub given: SelectorRequest,
    /// The selector.
    pub selector: Selector,
    /// What is done to each.
    pub action: BulkAction,
}

/// `POST /bulk/invalidations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkInvalidationRequest {
    /// Which distributions.
    #[serde(default)]
    pub selector: SelectorRequest,
    /// The paths to invalidate on each, e.g. `/index.html`, `/images/*`.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// `POST /bulk/updates`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkUpdateRequest {
    /// Which distributions.
    #[serde(default)]
    pub selector: SelectorRequest,
    /// The fields to set on each, as `PUT /distributions/{id}` takes them.
    #[serde(default)]
    pub patch: DistributionRequest,
}

/// `POST /templates/{id}/rollout`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RolloutRequest {
    /// The version to move to (default: the latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Only some of the template's distributions (default: every one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<SelectorRequest>,
}

impl BulkInvalidationRequest {
    /// The plan, or every problem.
    pub fn parse(&self) -> Result<BulkPlan, Problems> {
        let mut problems = Problems::new();
        let selector = self.selector.parse().map_err(|p| problems.extend_under_root(p)).ok();
        let paths =
            InvalidationRequest { paths: self.paths.clone() }.parse().map_err(|p| problems.extend_under_root(p));
        match (selector, paths) {
            (Some(selector), Ok(paths)) if problems.is_empty() => {
                Ok(BulkPlan { given: self.selector.clone(), selector, action: BulkAction::Invalidate { paths } })
            }
            _ => Err(problems),
        }
    }
}

impl BulkUpdateRequest {
    /// The plan, or every problem (the patch's under `patch.`).
    pub fn parse(&self) -> Result<BulkPlan, Problems> {
        let mut problems = Problems::new();
        let selector = self.selector.parse().map_err(|p| problems.extend_under_root(p)).ok();
        let patch = self.patch.parse_patch().map_err(|p| problems.extend_under("patch", p)).ok();
        match (selector, patch) {
            (Some(selector), Some(patch)) if problems.is_empty() => Ok(BulkPlan {
                given: self.selector.clone(),
                selector,
                action: BulkAction::Update { patch: Box::new(patch) },
            }),
            _ => Err(problems),
        }
    }
}

impl RolloutRequest {
    /// The plan for template `template` whose newest version is `latest`, or every problem.
    /// Only the template's own distributions are ever chosen.
    pub fn parse(&self, template: &TemplateId, latest: u32) -> Result<BulkPlan, Problems> {
        let mut problems = Problems::new();
        let version = self.version.unwrap_or(latest);
        problems.check(
            version == 0 || version > latest,
            "version",
            format!("template {template} has versions 1 to {latest}"),
        );
        let given = self.selector.clone().unwrap_or_else(|| SelectorRequest {
            template_id: Some(template.to_string()),
            ..SelectorRequest::default()
        });
        let selector = match &self.selector {
            None => Some(Selector::template(template.clone())),
            Some(s) => {
                s.parse().map_err(|p| problems.extend_under_root(p)).ok().map(|s| s.within_template(template.clone()))
            }
        };
        match selector {
            Some(selector) if problems.is_empty() => {
                Ok(BulkPlan { given, selector, action: BulkAction::Rollout { template_id: template.clone(), version } })
            }
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Checked;

    fn fields(result: Result<BulkPlan, Problems>) -> Vec<String> {
        result.err().map(|p| p.list().iter().map(|p| p.field.clone()).collect()).unwrap_or_default()
    }

    #[test]
    fn every_part_is_checked_together() {
        let bad: BulkInvalidationRequest = serde_json::from_value(serde_json::json!({"paths": ["nope"]})).unwrap();
        assert_eq!(fields(bad.parse()), ["selector", "paths[0]"]);
        let bad: BulkUpdateRequest = serde_json::from_value(
            serde_json::json!({"selector": {"status": "DEPLOYED"}, "patch": {"priceClass": "Cheap"}}),
        )
        .unwrap();
        assert_eq!(fields(bad.parse()), ["patch.priceClass"]);
        let empty: BulkUpdateRequest =
            serde_json::from_value(serde_json::json!({"selector": {"status": "DEPLOYED"}})).unwrap();
        assert_eq!(fields(empty.parse()), ["patch.body"]);
    }

    #[test]
    fn a_rollout_stays_within_its_template() {
        let template = TemplateId::parse("tmpl-0123456789abcdef").unwrap();
        let plan = RolloutRequest::default().parse(&template, 3).unwrap();
        assert_eq!(plan.action, BulkAction::Rollout { template_id: template.clone(), version: 3 });
        assert_eq!(plan.selector, Selector::template(template.clone()));
        let bad = RolloutRequest { version: Some(4), selector: Some(SelectorRequest::default()) };
        assert_eq!(fields(bad.parse(&template, 3)), ["version", "selector"]);
    }
}
