//! Which distributions a fleet query asks for: by status, drift, template, origin and tag,
//! parsed up front with every problem named.

use super::record::{DistributionRecord, DistributionStatus};
use crate::problems::Problems;
use crate::values::{Checked, OriginId, TagKey, TagValue, TemplateId};
use crate::vocabulary::Vocabulary;

/// A fleet query as it comes: every field optional text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterRequest<'a> {
    /// `DEPLOYED`, `FAILED`, …
    pub status: Option<&'a str>,
    /// `true`: only those with drift; `false`: only those without.
    pub drifted: Option<&'a str>,
    /// Only those made from this template.
    pub template_id: Option<&'a str>,
    /// Only those serving from this origin.
    pub origin_id: Option<&'a str>,
    /// `key=value`: only those with this tag.
    pub tag: Option<&'a str>,
}

/// The distributions a fleet query keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistributionFilter {
    status: Option<DistributionStatus>,
    drifted: Option<bool>,
    template: Option<TemplateId>,
    origin: Option<OriginId>,
    tag: Option<(TagKey, TagValue)>,
}

impl FilterRequest<'_> {
    /// The filter, or every problem with its field.
    pub fn parse(&self) -> Result<DistributionFilter, Problems> {
        let mut p = Problems::new();
        let status = self.status.and_then(|s| DistributionStatus::parse_into(&mut p, "status", s));
        let drifted = self.drifted.and_then(|d| match d {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                p.add("drifted", "must be true or false");
                None
            }
        });
        let template = self.template_id.and_then(|t| TemplateId::parse_into(&mut p, "templateId", t));
        let origin = self.origin_id.and_then(|o| OriginId::parse_into(&mut p, "originId", o));
        let tag = self.tag.and_then(|t| match t.split_once('=') {
            Some((key, value)) => {
                let key = TagKey::parse_into(&mut p, "tag", key);
                let value = TagValue::parse_into(&mut p, "tag", value);
                key.zip(value)
            }
            None => {
                p.add("tag", "must be key=value");
                None
            }
        });
        p.into_result(DistributionFilter { status, drifted, template, origin, tag })
    }
}

impl DistributionFilter {
    /// Whether `record` is one the query asks for.
    pub fn keeps(&self, record: &DistributionRecord) -> bool {
        self.status.is_none_or(|s| record.status == s)
            && self.drifted.is_none_or(|d| record.drift.is_empty() != d)
            && self.template.as_ref().is_none_or(|t| record.template.as_ref().is_some_and(|r| &r.template_id == t))
            && self.origin.as_ref().is_none_or(|o| record.spec.origins.contains(o))
            && self.tag.as_ref().is_none_or(|(k, v)| record.spec.tags.get(k) == Some(v))
    }
}

/// The order of a sorted fleet list: by a field, ascending, or descending with a leading `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DistributionSort {
    by: SortKey,
    descending: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Name,
    Status,
    CreatedAt,
    UpdatedAt,
}

impl DistributionSort {
    /// `name`, `status`, `createdAt` or `updatedAt`, `-` first for descending; else the problem.
    pub fn parse(text: &str) -> Result<Self, Problems> {
        let (descending, key) = match text.strip_prefix('-') {
            Some(key) => (true, key),
            None => (false, text),
        };
        let by = match key {
            "name" => SortKey::Name,
            "status" => SortKey::Status,
            "createdAt" => SortKey::CreatedAt,
            "updatedAt" => SortKey::UpdatedAt,
            _ => {
                let mut p = Problems::new();
                p.add("sort", "must be name, status, createdAt or updatedAt, with - first for descending");
                return Err(p);
            }
        };
        Ok(Self { by, descending })
    }

    /// Sorts `records` in this order (ties by id, so pages are stable).
    pub fn sort(&self, records: &mut [DistributionRecord]) {
        records.sort_by(|a, b| {
            let order = match self.by {
                SortKey::Name => a.spec.name.as_str().cmp(b.spec.name.as_str()),
                SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
                SortKey::CreatedAt => a.meta.created_at.cmp(&b.meta.created_at),
                SortKey::UpdatedAt => a.meta.updated_at.cmp(&b.meta.updated_at),
            };
            let order = if self.descending { order.reverse() } else { order };
            order.then_with(|| a.id.cmp(&b.id))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_named() {
        let request = FilterRequest {
            status: Some("SLEEPING"),
            drifted: Some("maybe"),
            template_id: Some("nope"),
            origin_id: Some("bucket"),
            tag: Some("no-equals"),
        };
        let fields: Vec<_> = request.parse().unwrap_err().list().iter().map(|p| p.field.clone()).collect();
        assert_eq!(fields, ["status", "drifted", "templateId", "originId", "tag"]);
        assert_eq!(FilterRequest::default().parse().unwrap(), DistributionFilter::default());
    }

    #[test]
    fn sorts_parse_and_order() {
        assert!(DistributionSort::parse("-updatedAt").unwrap().descending);
        let fields: Vec<_> =
            DistributionSort::parse("size").unwrap_err().list().iter().map(|p| p.field.clone()).collect();
        assert_eq!(fields, ["sort"]);
    }
}
