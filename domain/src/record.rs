//! What every stored record has: its bookkeeping and its claim. [`Claimed`] gives every record
//! the claim rules once.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::claim::{Busy, Claim, ClaimSlot};
use crate::failure::Failure;
use crate::values::Timestamp;
use crate::vocabulary::Vocabulary;

/// Bookkeeping shared by every record (flattened into its JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordMeta {
    /// The execution (or request) that created it; a repeated create by it is harmless.
    pub created_by_execution: String,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// The last failure, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<Failure>,
    /// The execution working on it (or the last that did).
    #[serde(default, skip_serializing_if = "ClaimSlot::is_empty")]
    pub claim: ClaimSlot,
    /// Optimistic-lock version, bumped on every write.
    #[serde(default)]
    pub version: u64,
}

impl RecordMeta {
    /// A new record's bookkeeping, made by `execution` for `actor` at `now`.
    pub fn new(execution: &str, actor: &str, now: Timestamp) -> Self {
        Self {
            created_by_execution: execution.to_owned(),
            created_by: actor.to_owned(),
            created_at: now,
            updated_at: now,
            last_error: None,
            claim: ClaimSlot::default(),
            version: 0,
        }
    }

    /// The same, claimed by `claim` from the start.
    pub fn claimed(mut self, claim: Claim) -> Self {
        self.claim = ClaimSlot::held(claim);
        self
    }
}

/// A record kind cfm stores.
pub trait Record: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// Key prefix and list partition, e.g. `ORIGIN`.
    const KIND: &'static str;
    /// What users call it, for messages.
    const NOUN: &'static str;
    /// Its lifecycle status.
    type Status: Vocabulary + Send + Sync;
    /// The id.
    fn id(&self) -> &str;
    /// Its status.
    fn status(&self) -> Self::Status;
    /// Sets its status.
    fn set_status(&mut self, status: Self::Status);
    /// Its bookkeeping.
    fn meta(&self) -> &RecordMeta;
    /// Its bookkeeping, to change.
    fn meta_mut(&mut self) -> &mut RecordMeta;
}

/// Implements [`Record`] for a struct with `id`, `status` and `meta` fields.
macro_rules! stored_record {
    ($record:ty, $kind:literal, $noun:literal, $status:ty) => {
        impl $crate::record::Record for $record {
            const KIND: &'static str = $kind;
            const NOUN: &'static str = $noun;
            type Status = $status;
            fn id(&self) -> &str {
                self.id.as_str()
            }
            fn status(&self) -> $status {
                self.status
            }
            fn set_status(&mut self, status: $status) {
                self.status = status;
            }
            fn meta(&self) -> &$crate::record::RecordMeta {
                &self.meta
            }
            fn meta_mut(&mut self) -> &mut $crate::record::RecordMeta {
                &mut self.meta
            }
        }
    };
}
pub(crate) use stored_record;

/// The claim rules, for every record.
pub trait Claimed: Record {
    /// "`<noun>` `<id>`", for messages.
    fn what(&self) -> String {
        format!("{} {}", Self::NOUN, self.id())
    }

    /// Whether some execution holds it.
    fn is_busy(&self) -> bool {
        self.meta().claim.is_held()
    }

    /// Fails unless `execution` holds the claim.
    fn check_claim(&self, execution: &str) -> Result<(), Busy> {
        self.meta().claim.check(execution, &self.what())
    }

    /// Whether `execution` holds the claim.
    fn claimed_by(&self, execution: &str) -> bool {
        self.meta().claim.holds(execution)
    }

    /// Whether `execution` holds the claim or was the last to hold it.
    fn is_mine(&self, execution: &str) -> bool {
        self.meta().claim.is_mine(execution)
    }

    /// Claims it for `claim` when its status is one of `allowed`, moving it to `busy`. Claiming
    /// again for the same execution changes nothing. Returns the status it had.
    fn claim_for(&mut self, claim: Claim, allowed: &[Self::Status], busy: Self::Status) -> Result<Self::Status, Busy> {
        let before = self.status();
        if self.meta().claim.is_mine(claim.execution.as_str()) {
            return Ok(before);
        }
        if !allowed.contains(&before) && !self.is_busy() {
            return Err(Busy(format!("{} is {}; it cannot change now", self.what(), before.as_str())));
        }
        // Held by another execution: refused here (a busy record is never in `allowed`).
        let what = self.what();
        self.meta_mut().claim.take(claim, &what)?;
        self.set_status(busy);
        Ok(before)
    }

    /// Whether `execution`'s work on this record is over (`true`: it already ended its claim,
    /// so a repeated delivery of its last step has nothing to do) or still under way (`false`).
    /// Refused if another execution holds the record.
    fn finished_by(&self, execution: &str) -> Result<bool, Busy> {
        if self.claimed_by(execution) {
            Ok(false)
        } else if self.is_mine(execution) {
            Ok(true)
        } else {
            self.check_claim(execution).map(|()| false)
        }
    }

    /// Ends `execution`'s claim in `status` (a finished step). `Ok(false)` if that execution
    /// already ended it (a repeated delivery); refused if another execution holds the record.
    fn finish(&mut self, execution: &str, status: Self::Status) -> Result<bool, Busy> {
        if self.meta_mut().claim.release(execution) {
            self.set_status(status);
            return Ok(true);
        }
        if self.is_mine(execution) { Ok(false) } else { self.check_claim(execution).map(|()| false) }
    }

    /// Settles `execution`'s work in `status` whether or not it still holds the claim (a
    /// failure path: the step that released it may have succeeded unseen). A record another
    /// execution has taken since is left alone; returns whether it was settled.
    fn settle(&mut self, execution: &str, status: Self::Status) -> bool {
        let mine = self.is_mine(execution);
        if mine {
            self.meta_mut().claim.release(execution);
            self.set_status(status);
        }
        mine
    }

    /// [`settle`](Claimed::settle), recording `failure` when it settles.
    fn settle_failed(&mut self, execution: &str, status: Self::Status, failure: &Failure) -> bool {
        let settled = self.settle(execution, status);
        if settled {
            self.meta_mut().last_error = Some(failure.clone());
        }
        settled
    }
}

impl<T: Record> Claimed for T {}
