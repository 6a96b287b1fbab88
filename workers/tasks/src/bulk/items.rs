//! One item's step in a round: invalidate it, start its `update-distribution`, or see how the
//! one it started ended.

use std::time::Instant;

use cfm_domain::bulk::{BulkAction, BulkItem, Outcome, Plan, Versions};
use cfm_domain::claim::{Busy, Claim};
use cfm_domain::distribution::{DistributionRecord, TemplateRef};
use cfm_domain::record::Claimed;
use cfm_domain::values::{ExecutionArn, execution_name};
use cfm_events::RequestContext;
use cfm_events::distribution::UpdateDistributionInput;
use cfm_events::envelope::stable_id;
use cfm_ports::ErrorKind;
use cfm_ports::store::UpdateError;
use cfm_ports::workflows::{ExecutionStatus, Start};

use super::MAX_RUNNING;
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::machines::UpdateMachine;

/// Invalidations a round sends at once.
const FAN_OUT: usize = 8;
/// Throttled or unavailable answers an item takes before it counts as failed.
const MAX_THROTTLED: u32 = 5;

/// A round's state.
pub(super) struct Round<'a> {
    pub(super) cx: &'a Cx<'a>,
    pub(super) action: &'a BulkAction,
    pub(super) versions: &'a Versions,
    pub(super) machines: &'a UpdateMachine,
    pub(super) request: &'a RequestContext,
    pub(super) deadline: Instant,
    /// The round budget's last round: everything must settle now.
    pub(super) last: bool,
    pub(super) cancel: bool,
    pub(super) running: usize,
    /// Whether an item started or ended.
    pub(super) progressed: bool,
    /// Whether it stopped with items it could start at once.
    pub(super) more_now: bool,
}

fn gone(item: &BulkItem) -> Outcome {
    Outcome::Failed { cause: format!("distribution {} no longer exists", item.distribution_id) }
}

/// What an item's step is, decided before anything is called.
enum Move {
    /// Nothing now.
    Stay,
    /// Settled without a call.
    To(Outcome),
    /// Invalidate it (throttled so far this often).
    Invalidate(u32),
    /// Start its update.
    Start,
    /// See how its execution stands.
    Check(ExecutionArn),
}

impl Round<'_> {
    /// Moves every item of a chunk on that can move now. Invalidations go out `FAN_OUT` at
    /// once, so the calls' latency overlaps and the shared rate limit is what paces them.
    pub(super) async fn step_all(&mut self, items: &mut [BulkItem]) -> TaskResult<()> {
        let mut batch = Vec::new();
        for i in 0..items.len() {
            match self.decide(&items[i]) {
                Move::Stay => {}
                Move::To(next) => self.settle(&mut items[i], next),
                Move::Invalidate(throttled) => {
                    batch.push((i, throttled));
                    if batch.len() == FAN_OUT {
                        self.invalidate_batch(items, &mut batch).await?;
                    }
                }
                Move::Start => {
                    let next = self.start(&mut items[i]).await?;
                    self.settle(&mut items[i], next);
                }
                Move::Check(execution) => {
                    if let Some(next) = self.check(&items[i], &execution).await? {
                        self.settle(&mut items[i], next);
                    }
                }
            }
        }
        self.invalidate_batch(items, &mut batch).await
    }

    fn decide(&mut self, item: &BulkItem) -> Move {
        match &item.outcome {
            Outcome::Running { execution } if self.last => Move::To(Outcome::Failed {
                cause: format!("{} was still running when the operation ran out of rounds", execution.name()),
            }),
            Outcome::Running { execution } => Move::Check(execution.clone()),
            Outcome::Pending { .. } if self.cancel => {
                Move::To(Outcome::Skipped { reason: "cancelled before it started".into() })
            }
            Outcome::Pending { .. } if self.last => Move::To(Outcome::Failed {
                cause: "not reached before the operation ran out of rounds; a retry runs it".into(),
            }),
            Outcome::Pending { .. } if Instant::now() >= self.deadline => {
                self.more_now = true;
                Move::Stay
            }
            Outcome::Pending { .. } if self.action.runs_updates() && self.running >= MAX_RUNNING => Move::Stay,
            Outcome::Pending { .. } if self.action.runs_updates() => Move::Start,
            Outcome::Pending { throttled } => Move::Invalidate(*throttled),
            _ => Move::Stay,
        }
    }

    /// Records `next` as where `item` stands.
    fn settle(&mut self, item: &mut BulkItem, next: Outcome) {
        let was_running = matches!(item.outcome, Outcome::Running { .. });
        let runs = matches!(next, Outcome::Running { .. });
        self.running = self.running + usize::from(runs) - usize::from(was_running);
        self.progressed |= next != item.outcome;
        item.outcome = next;
    }

    /// Invalidates the batch's items at once and settles each.
    async fn invalidate_batch(&mut self, items: &mut [BulkItem], batch: &mut Vec<(usize, u32)>) -> TaskResult<()> {
        let mut calls = Vec::with_capacity(batch.len());
        for &(i, throttled) in batch.iter() {
            calls.push(self.invalidate(&items[i], throttled));
        }
        let outcomes = futures::future::join_all(calls).await;
        for (&(i, _), outcome) in batch.iter().zip(outcomes) {
            let next = outcome?;
            self.more_now |= matches!(next, Outcome::Pending { .. });
            self.settle(&mut items[i], next);
        }
        batch.clear();
        Ok(())
    }

    /// Invalidates the item's distribution. The caller reference comes from the execution and
    /// the distribution, so a redelivered round finds the batch it already made. A throttled
    /// or unavailable answer leaves it pending, for the next round.
    async fn invalidate(&self, item: &BulkItem, throttled: u32) -> TaskResult<Outcome> {
        let BulkAction::Invalidate { paths } = self.action else { unreachable!("only invalidations") };
        let Some(record) = self.cx.records().get::<DistributionRecord>(item.distribution_id.as_str()).await? else {
            return Ok(gone(item));
        };
        let id = match record.can_invalidate() {
            Ok(id) => id,
            Err(Busy(reason)) => return Ok(Outcome::Skipped { reason }),
        };
        let reference = format!("cfm-{}", stable_id(&[self.cx.execution().as_str(), record.id.as_str()]));
        match self.cx.ports.cdn.create_invalidation(id, paths, &reference).await {
            Ok(made) => Ok(Outcome::Succeeded { detail: made.as_str().to_owned() }),
            Err(err) if err.is_retryable() && throttled + 1 < MAX_THROTTLED => {
                Ok(Outcome::Pending { throttled: throttled + 1 })
            }
            Err(err) if err.kind == ErrorKind::NotFound => Ok(gone(item)),
            Err(err) => Ok(Outcome::Failed { cause: err.to_string() }),
        }
    }

    /// Claims the item's distribution for its own `update-distribution` execution and starts
    /// it. The execution is named after this one and the distribution, so a redelivered round
    /// finds the claim its own and starts the same execution (Step Functions starts nothing
    /// new for the same name and input).
    async fn start(&mut self, item: &mut BulkItem) -> TaskResult<Outcome> {
        let cx = self.cx;
        let id = item.distribution_id.clone();
        let Some(record) = cx.records().get::<DistributionRecord>(id.as_str()).await? else {
            return Ok(gone(item));
        };
        let name = execution_name("update-distribution", id.as_str(), Some(cx.execution().as_str()));
        let child = ExecutionArn::of(&self.machines.update_distribution, &name);
        if !record.is_mine(child.as_str()) {
            match self.action.plan(&record, self.versions) {
                Plan::Act(changes) => item.changes = changes,
                other => return Ok(BulkItem::planned(id, other).outcome),
            }
        }
        let patch = match self.action.patch_for(&record, self.versions) {
            Ok(patch) => patch,
            Err(other) => return Ok(BulkItem::planned(id, other).outcome),
        };
        let claim = Claim::new(&child, "update-distribution", cx.now());
        let claimed = cx
            .records()
            .update::<DistributionRecord, Busy>(id.as_str(), cx.now(), |r| {
                r.claim_for_update(claim.clone()).map(|_| ())
            })
            .await;
        match claimed {
            Ok(_) => {}
            Err(UpdateError::Refused(Busy(why))) => return Ok(Outcome::Skipped { reason: format!("busy: {why}") }),
            Err(UpdateError::Missing(_)) => return Ok(gone(item)),
            Err(other) => return Err(TaskError::Conflict(other.to_string())),
        }
        let input =
            UpdateDistributionInput { distribution_id: id, patch, replicate: false, request: self.request.clone() };
        let input = serde_json::to_value(&input).map_err(|e| TaskError::Internal(e.to_string()))?;
        match cx.ports.workflows.start(&self.machines.update_distribution, &name, &input).await? {
            Start::Started { execution, .. } => Ok(Outcome::Running { execution }),
            Start::NameReused => Ok(Outcome::Failed { cause: format!("execution {name} exists with another input") }),
        }
    }

    /// How the item's execution stands: `None` while it runs.
    async fn check(&mut self, item: &BulkItem, execution: &ExecutionArn) -> TaskResult<Option<Outcome>> {
        let Some(found) = self.cx.ports.workflows.execution(execution).await? else { return Ok(None) };
        match found.status {
            ExecutionStatus::Running | ExecutionStatus::PendingRedrive => Ok(None),
            ExecutionStatus::Succeeded => {
                if let BulkAction::Rollout { template_id, version } = self.action {
                    let made = TemplateRef { template_id: template_id.clone(), version: *version };
                    self.cx
                        .records()
                        .update::<DistributionRecord, TaskError>(item.distribution_id.as_str(), self.cx.now(), |r| {
                            r.template = Some(made.clone());
                            Ok(())
                        })
                        .await
                        .map_err(|e| TaskError::Conflict(e.to_string()))?;
                }
                Ok(Some(Outcome::Succeeded { detail: found.name }))
            }
            other => Ok(Some(Outcome::Failed {
                cause: format!(
                    "{} ended {other}: {} {}",
                    found.name,
                    found.error.unwrap_or_default(),
                    found.cause.unwrap_or_default()
                )
                .trim_end()
                .to_owned(),
            })),
        }
    }
}
