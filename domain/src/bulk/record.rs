//! A bulk operation as stored: the record (what, how far, cancelled or not) and its items, kept
//! by reference in chunks beside it, so no execution input or state carries the item list.

use serde::{Deserialize, Serialize};

use super::action::{BulkAction, Plan};
use super::selector::SelectorRequest;
use crate::claim::{Busy, Claim};
use crate::record::{RecordMeta, stored_record};
use crate::values::{BulkId, DistributionId, ExecutionArn, Timestamp};
use crate::vocabulary;

/// Items one operation takes: 200 chunks, whose counts fit the record easily.
pub const MAX_ITEMS: usize = 20_000;
/// Items per stored chunk: a chunk is one table item, well under DynamoDB's 400 KB.
pub const CHUNK_SIZE: usize = 100;

vocabulary!(
    /// Where a bulk operation is.
    BulkStatus {
        /// Its execution is working through the items.
        Running => "RUNNING",
        /// Asked to stop: it starts nothing more and waits for what runs.
        Cancelling => "CANCELLING",
        /// Every item succeeded or was skipped.
        Succeeded => "SUCCEEDED",
        /// Over, with failed items (re-run them with `POST /bulk/{id}/retry`).
        CompletedWithFailures => "COMPLETED_WITH_FAILURES",
        /// Stopped on request; the items it never reached are skipped.
        Cancelled => "CANCELLED",
        /// The execution itself failed.
        Failed => "FAILED",
    }
);

/// How one item stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Not reached yet (or throttled so far).
    #[serde(rename_all = "camelCase")]
    Pending {
        /// Times CloudFront throttled it.
        #[serde(default, skip_serializing_if = "is_zero")]
        throttled: u32,
    },
    /// Its `update-distribution` execution is running.
    #[serde(rename_all = "camelCase")]
    Running {
        /// The execution.
        execution: ExecutionArn,
    },
    /// Done: the invalidation made, or the execution that changed it.
    #[serde(rename_all = "camelCase")]
    Succeeded {
        /// The invalidation id or the execution name.
        detail: String,
    },
    /// Failed, and why.
    #[serde(rename_all = "camelCase")]
    Failed {
        /// The cause.
        cause: String,
    },
    /// Left alone, and why.
    #[serde(rename_all = "camelCase")]
    Skipped {
        /// Why.
        reason: String,
    },
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One distribution in a bulk operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkItem {
    /// The distribution.
    pub distribution_id: DistributionId,
    /// The fields the plan said would change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// How it stands.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl BulkItem {
    /// The item for `plan`: to do, skipped, or failed before it started.
    pub fn planned(distribution_id: DistributionId, plan: Plan) -> Self {
        let (changes, outcome) = match plan {
            Plan::Act(changes) => (changes, Outcome::Pending { throttled: 0 }),
            Plan::Skip(reason) => (Vec::new(), Outcome::Skipped { reason }),
            Plan::Invalid(cause) => (Vec::new(), Outcome::Failed { cause }),
        };
        Self { distribution_id, changes, outcome }
    }

    /// Whether it is over (succeeded, failed or skipped).
    pub fn is_settled(&self) -> bool {
        !matches!(self.outcome, Outcome::Pending { .. } | Outcome::Running { .. })
    }

    /// Whether it failed.
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed { .. })
    }
}

/// Counts of items by how they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Items in all.
    pub total: usize,
    /// Succeeded.
    pub done: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
    /// Running now.
    pub running: usize,
}

impl Progress {
    /// The counts of `items`.
    pub fn of<'a>(items: impl IntoIterator<Item = &'a BulkItem>) -> Self {
        let mut p = Self::default();
        for item in items {
            p.total += 1;
            match item.outcome {
                Outcome::Pending { .. } => {}
                Outcome::Running { .. } => p.running += 1,
                Outcome::Succeeded { .. } => p.done += 1,
                Outcome::Failed { .. } => p.failed += 1,
                Outcome::Skipped { .. } => p.skipped += 1,
            }
        }
        p
    }

    /// Both counts together.
    pub fn plus(self, other: Self) -> Self {
        Self {
            total: self.total + other.total,
            done: self.done + other.done,
            failed: self.failed + other.failed,
            skipped: self.skipped + other.skipped,
            running: self.running + other.running,
        }
    }

    /// Whether every item is over.
    pub fn settled(&self) -> bool {
        self.done + self.failed + self.skipped == self.total
    }
}

/// A bulk operation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkRecord {
    /// `bulk-…`.
    pub id: BulkId,
    /// Where it is.
    pub status: BulkStatus,
    /// What it does to each item.
    pub action: BulkAction,
    /// The selector as given (a re-run's is its original's).
    pub selector: SelectorRequest,
    /// The counts of each chunk of its items, as of the last chunk a round went through.
    pub chunks: Vec<Progress>,
    /// Whether a stop was asked for.
    #[serde(default)]
    pub cancel_requested: bool,
    /// The operation whose failed items this one runs again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<BulkId>,
    /// Bookkeeping.
    #[serde(flatten)]
    pub meta: RecordMeta,
}

stored_record!(BulkRecord, "BULK", "bulk operation", BulkStatus);

impl BulkRecord {
    /// A new operation over `items`, claimed by its execution (`claim`, for `actor` at `now`)
    /// from the start.
    pub fn new(
        id: BulkId,
        (action, selector): (BulkAction, SelectorRequest),
        items: &[BulkItem],
        retry_of: Option<BulkId>,
        (claim, actor, now): (Claim, &str, Timestamp),
    ) -> Self {
        let execution_name = claim.execution.name().to_owned();
        Self {
            id,
            status: BulkStatus::Running,
            action,
            selector,
            chunks: items.chunks(CHUNK_SIZE).map(Progress::of).collect(),
            cancel_requested: false,
            retry_of,
            meta: RecordMeta::new(&execution_name, actor, now).claimed(claim),
        }
    }

    /// Where chunk `n` of operation `id` is kept.
    pub fn chunk_key(id: &BulkId, n: u32) -> String {
        format!("bulk/{id}/{n}")
    }

    /// Chunk `n` now counts `progress`.
    pub fn chunk_counted(&mut self, n: u32, progress: Progress) {
        if let Some(slot) = self.chunks.get_mut(n as usize) {
            *slot = progress;
        }
    }

    /// The counts of every item.
    pub fn progress(&self) -> Progress {
        self.chunks.iter().fold(Progress::default(), |sum, p| sum.plus(*p))
    }

    /// The first chunk not yet settled: chunks before it need no more rounds.
    pub fn open_chunk(&self) -> u32 {
        self.chunks.iter().position(|p| !p.settled()).unwrap_or(self.chunks.len()) as u32
    }

    /// Asks it to stop. Asking again changes nothing; an operation that is over cannot stop.
    pub fn request_cancel(&mut self) -> Result<(), Busy> {
        match self.status {
            BulkStatus::Running | BulkStatus::Cancelling => {
                self.cancel_requested = true;
                self.status = BulkStatus::Cancelling;
                Ok(())
            }
            other => Err(Busy(format!("bulk operation {} is {other}; there is nothing to stop", self.id))),
        }
    }

    /// The status it ends in, from its counts.
    pub fn ended_status(&self) -> BulkStatus {
        if self.cancel_requested {
            BulkStatus::Cancelled
        } else if self.progress().failed > 0 {
            BulkStatus::CompletedWithFailures
        } else {
            BulkStatus::Succeeded
        }
    }
}

/// The round-by-round pace of a bulk execution. Each round (a Wait, the task and a Choice) is
/// about nine history events, and an execution may have 25,000: the rounds are budgeted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pace {
    /// The shortest wait between rounds (seconds).
    pub base: u64,
    /// The next wait.
    pub seconds: u64,
    /// Rounds so far.
    pub rounds: u32,
    /// Rounds in a row that only waited on running items.
    #[serde(default)]
    pub idle: u32,
    /// Whether every item is over.
    pub done: bool,
}

/// Rounds per execution: 2,500 × 9 events stays under Step Functions' 25,000.
pub const ROUND_BUDGET: u32 = 2_500;

impl Pace {
    /// After a round: at once (a second) when it stopped with items it could start right away,
    /// after the base when it `progressed`, else doubling up to ten times the base while it
    /// only waits on running items.
    pub fn next(self, done: bool, progressed: bool, more_now: bool) -> Self {
        let idle = if progressed || more_now { 0 } else { self.idle + 1 };
        let base = self.base.max(1);
        let seconds = if more_now { 1 } else { base.saturating_mul(1 << idle.min(8)).min(base * 10) };
        Self { base, seconds, rounds: self.rounds + 1, idle, done }
    }

    /// Whether this is the last round the budget allows: it must settle every item.
    pub fn last_round(&self) -> bool {
        self.rounds + 1 >= ROUND_BUDGET
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_backs_off_only_while_idle() {
        let pace = Pace { base: 2, seconds: 2, rounds: 0, idle: 0, done: false };
        let idle = pace.next(false, false, false).next(false, false, false);
        assert_eq!((idle.seconds, idle.rounds), (8, 2));
        let capped = (0..10).fold(idle, |p, _| p.next(false, false, false));
        assert_eq!(capped.seconds, 20);
        assert_eq!(capped.next(false, true, false).seconds, 2);
        assert_eq!(capped.next(false, true, true).seconds, 1);
        assert!(Pace { rounds: ROUND_BUDGET - 1, ..pace }.last_round());
    }

    #[test]
    fn progress_counts_each_outcome() {
        let id = DistributionId::generate(None);
        let items = [
            BulkItem::planned(id.clone(), Plan::Act(vec!["priceClass".into()])),
            BulkItem::planned(id.clone(), Plan::Skip("busy".into())),
            BulkItem::planned(id, Plan::Invalid("bad".into())),
        ];
        let p = Progress::of(&items);
        assert_eq!((p.total, p.done, p.failed, p.skipped, p.running), (3, 0, 1, 1, 0));
        assert!(!p.settled());
        assert!(items[1].is_settled() && items[2].failed());
    }
}
