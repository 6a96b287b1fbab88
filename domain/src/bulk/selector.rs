//! Which distributions a bulk operation acts on: explicit ids, tags, a template, an origin, a
//! status (all that are given must hold), parsed up front with every problem named.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::distribution::request::check_unique;
use crate::distribution::{DistributionRecord, DistributionStatus};
use crate::problems::{Problems, excerpt, within};
use crate::values::{Checked, DistributionId, OriginId, TagKey, TagValue, TemplateId};
use crate::vocabulary::Vocabulary;

/// Explicit ids one request may name; larger sets are selected by tag, template or origin.
pub const MAX_EXPLICIT_IDS: usize = 1000;
/// Tags one selector may require.
const MAX_SELECTOR_TAGS: usize = 10;

/// A selector as it comes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SelectorRequest {
    /// These distributions (at most 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution_ids: Option<Vec<String>>,
    /// Only those with every one of these tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Only those made from this template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Only those serving from this origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_id: Option<String>,
    /// Only those in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// The distributions a bulk operation is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    ids: Option<BTreeSet<DistributionId>>,
    tags: Vec<(TagKey, TagValue)>,
    template: Option<TemplateId>,
    origin: Option<OriginId>,
    status: Option<DistributionStatus>,
}

impl SelectorRequest {
    /// The selector, or every problem with its field (under `selector.`). A selector must
    /// choose: one that names nothing would be the whole fleet by accident.
    pub fn parse(&self) -> Result<Selector, Problems> {
        let mut p = Problems::new();
        if self == &Self::default() {
            p.add("selector", "choose the distributions: give distributionIds, tags, templateId, originId or status");
            return Err(p);
        }
        let ids = self.distribution_ids.as_ref().map(|ids| {
            if !within(&mut p, "selector.distributionIds", ids.len(), MAX_EXPLICIT_IDS) {
                return BTreeSet::new();
            }
            p.check(ids.is_empty(), "selector.distributionIds", "give at least one id, or leave it out");
            check_unique(&mut p, "selector.distributionIds", ids.iter().map(String::as_str));
            ids.iter()
                .enumerate()
                .filter_map(|(i, id)| DistributionId::parse_into(&mut p, &format!("selector.distributionIds[{i}]"), id))
                .collect()
        });
        let mut tags = Vec::new();
        if let Some(given) = &self.tags
            && within(&mut p, "selector.tags", given.len(), MAX_SELECTOR_TAGS)
        {
            for (key, value) in given {
                let at = format!("selector.tags.{}", excerpt(key));
                let key = TagKey::parse_into(&mut p, &at, key);
                let value = TagValue::parse_into(&mut p, &at, value);
                tags.extend(key.zip(value));
            }
        }
        let template =
            self.template_id.as_deref().and_then(|t| TemplateId::parse_into(&mut p, "selector.templateId", t));
        let origin = self.origin_id.as_deref().and_then(|o| OriginId::parse_into(&mut p, "selector.originId", o));
        let status = self.status.as_deref().and_then(|s| DistributionStatus::parse_into(&mut p, "selector.status", s));
        p.into_result(Selector { ids, tags, template, origin, status })
    }
}

impl Selector {
    /// Every distribution made from `template` (a template rollout's default).
    pub fn template(template: TemplateId) -> Self {
        Self { template: Some(template), ..Self::default() }
    }

    /// The same, also requiring `template` (a rollout only ever touches its template's).
    pub fn within_template(mut self, template: TemplateId) -> Self {
        self.template = Some(template);
        self
    }

    /// The ids it names, when it names them: they are read one by one, not listed.
    pub fn ids(&self) -> Option<&BTreeSet<DistributionId>> {
        self.ids.as_ref()
    }

    /// Whether `record` is one it chooses.
    pub fn matches(&self, record: &DistributionRecord) -> bool {
        self.ids.as_ref().is_none_or(|ids| ids.contains(&record.id))
            && self.tags.iter().all(|(k, v)| record.spec.tags.get(k) == Some(v))
            && self.template.as_ref().is_none_or(|t| record.template.as_ref().is_some_and(|r| &r.template_id == t))
            && self.origin.as_ref().is_none_or(|o| record.spec.origins.contains(o))
            && self.status.is_none_or(|s| record.status == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(request: &SelectorRequest) -> Vec<String> {
        request.parse().err().map(|p| p.list().iter().map(|p| p.field.clone()).collect()).unwrap_or_default()
    }

    #[test]
    fn an_empty_selector_chooses_nothing_by_accident() {
        assert_eq!(fields(&SelectorRequest::default()), ["selector"]);
        let empty_ids = SelectorRequest { distribution_ids: Some(vec![]), ..Default::default() };
        assert_eq!(fields(&empty_ids), ["selector.distributionIds"]);
    }

    #[test]
    fn every_problem_is_named() {
        let request = SelectorRequest {
            distribution_ids: Some(vec!["dist-0123456789abcdef".into(), "nope".into(), "dist-0123456789abcdef".into()]),
            tags: Some(BTreeMap::from([("".into(), "x".into())])),
            template_id: Some("t".into()),
            origin_id: Some("o".into()),
            status: Some("ASLEEP".into()),
        };
        assert_eq!(
            fields(&request),
            [
                "selector.distributionIds[2]",
                "selector.distributionIds[1]",
                "selector.tags.",
                "selector.templateId",
                "selector.originId",
                "selector.status"
            ]
        );
    }

    #[test]
    fn too_many_ids_are_refused_before_they_are_read() {
        let ids = (0..=MAX_EXPLICIT_IDS).map(|i| format!("bad-{i}")).collect();
        let request = SelectorRequest { distribution_ids: Some(ids), ..Default::default() };
        assert_eq!(fields(&request), ["selector.distributionIds"]);
    }
}
