//! What a bulk operation does to each distribution, and the plan for one: the fields a change
//! would set, or why the distribution is skipped. The dry run and the run use the same plan.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::distribution::{DistributionDraft, DistributionRecord, DistributionSpec, DistributionStatus};
use crate::values::{InvalidationPath, TemplateId};

/// A template's versions by number.
pub type Versions = BTreeMap<u32, DistributionDraft>;

/// What a bulk operation does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum BulkAction {
    /// Invalidate these paths on each.
    #[serde(rename_all = "camelCase")]
    Invalidate {
        /// The paths.
        paths: Vec<InvalidationPath>,
    },
    /// Apply this patch to each (an `update-distribution` each).
    #[serde(rename_all = "camelCase")]
    Update {
        /// The fields to set.
        patch: Box<DistributionDraft>,
    },
    /// Move each distribution made from the template to this version: the fields the version
    /// changed since the one each was made from (its own overrides of the others stay).
    #[serde(rename_all = "camelCase")]
    Rollout {
        /// The template.
        template_id: TemplateId,
        /// The version to move to.
        version: u32,
    },
}

/// What would happen to one distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// It is acted on; for a change, these fields change.
    Act(Vec<String>),
    /// Left alone, and why.
    Skip(String),
    /// The change does not hold together for it (recorded as failed, never started).
    Invalid(String),
}

impl BulkAction {
    /// The workflow-facing name: `invalidate`, `update`, `rollout`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invalidate { .. } => "invalidate",
            Self::Update { .. } => "update",
            Self::Rollout { .. } => "rollout",
        }
    }

    /// Whether each item runs as an `update-distribution` execution of its own.
    pub fn runs_updates(&self) -> bool {
        !matches!(self, Self::Invalidate { .. })
    }

    /// The plan for `record`; a rollout needs its template's `versions`.
    pub fn plan(&self, record: &DistributionRecord, versions: &Versions) -> Plan {
        match self {
            Self::Invalidate { .. } => match record.can_invalidate() {
                Ok(_) => Plan::Act(Vec::new()),
                Err(why) => Plan::Skip(why.0),
            },
            Self::Update { .. } | Self::Rollout { .. } => match self.patch_for(record, versions) {
                Err(plan) => plan,
                Ok(patch) => plan_change(record, &patch),
            },
        }
    }

    /// The patch an update or rollout applies to `record`, or the plan that skips it.
    pub fn patch_for(&self, record: &DistributionRecord, versions: &Versions) -> Result<DistributionDraft, Plan> {
        match self {
            Self::Invalidate { .. } => Err(Plan::Skip("an invalidation changes no settings".into())),
            Self::Update { patch } => Ok(patch.as_ref().clone()),
            Self::Rollout { template_id, version } => {
                let from = match &record.template {
                    Some(made) if &made.template_id == template_id => made.version,
                    _ => return Err(Plan::Skip(format!("not made from template {template_id}"))),
                };
                if from == *version {
                    return Err(Plan::Skip(format!("already at version {version}")));
                }
                let to = versions
                    .get(version)
                    .ok_or_else(|| Plan::Invalid(format!("template {template_id} has no version {version}")))?;
                Ok(versions.get(&from).map_or_else(|| to.clone(), |from| rollout_patch(from, to)))
            }
        }
    }
}

/// The plan for applying `patch` to `record`.
fn plan_change(record: &DistributionRecord, patch: &DistributionDraft) -> Plan {
    if let Some(claim) = record.meta.claim.held_claim() {
        return Plan::Skip(format!("busy: {} {} holds it", claim.workflow, claim.execution.name()));
    }
    if !matches!(record.status, DistributionStatus::Deployed | DistributionStatus::InProgress) {
        return Plan::Skip(format!("it is {}; it cannot change now", record.status));
    }
    match record.spec.changed(patch) {
        Err(problems) => {
            let listed: Vec<String> = problems.list().iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
            Plan::Invalid(listed.join("; "))
        }
        Ok(merged) => match changed_fields(&record.spec, &merged) {
            fields if fields.is_empty() => Plan::Skip("no change: it already has these settings".into()),
            fields => Plan::Act(fields),
        },
    }
}

fn fields_of(draft: &DistributionDraft) -> serde_json::Map<String, Value> {
    match serde_json::to_value(draft) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

/// The spec fields that differ between `before` and `after`, by their JSON names.
pub fn changed_fields(before: &DistributionSpec, after: &DistributionSpec) -> Vec<String> {
    let (before, after) = (fields_of(&before.to_draft()), fields_of(&after.to_draft()));
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter().filter(|k| before.get(*k) != after.get(*k)).cloned().collect()
}

/// The fields `to` sets differently from `from`: what a rollout from one version to the
/// other changes.
pub fn rollout_patch(from: &DistributionDraft, to: &DistributionDraft) -> DistributionDraft {
    let from = fields_of(from);
    let changed: serde_json::Map<String, Value> =
        fields_of(to).into_iter().filter(|(k, v)| from.get(k) != Some(v)).collect();
    serde_json::from_value(Value::Object(changed)).expect("a subset of a draft's fields is a draft")
}
