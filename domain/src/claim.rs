//! Claims: which execution is working on a resource.
//!
//! A workflow that changes a resource claims its record first, in the same conditional write
//! that checks the resource may change now (so two changes cannot both pass the check), and
//! releases it when it ends, in every ending. The released claim stays on the record as the
//! last execution that held it, so a task of that execution that is delivered again can tell
//! "already done by me" from "taken over by another". Each task checks the claim before acting,
//! so a delivery that arrives after its workflow moved on changes nothing. The scheduled
//! reconcile settles claims whose execution is no longer running.

use serde::{Deserialize, Serialize};

use crate::values::{ExecutionArn, Timestamp};

/// The execution holding (or that last held) a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// The execution.
    pub execution: ExecutionArn,
    /// The workflow it runs, e.g. `update-distribution`.
    pub workflow: String,
    /// When the claim was taken.
    pub since: Timestamp,
    /// Whether that execution has let go: the resource is free again.
    #[serde(default)]
    pub released: bool,
}

/// A change refused because another execution holds the resource, or the claim is gone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Busy(pub String);

impl Claim {
    /// A claim for `execution` running `workflow`, taken at `since`.
    pub fn new(execution: &ExecutionArn, workflow: &str, since: Timestamp) -> Self {
        Self { execution: execution.clone(), workflow: workflow.to_owned(), since, released: false }
    }
}

/// A resource's claim slot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClaimSlot(Option<Claim>);

impl ClaimSlot {
    /// A slot held by `claim`.
    pub fn held(claim: Claim) -> Self {
        Self(Some(claim))
    }

    /// Whether it never held a claim.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The claim, held or released.
    pub fn last(&self) -> Option<&Claim> {
        self.0.as_ref()
    }

    /// The claim while it is held.
    pub fn held_claim(&self) -> Option<&Claim> {
        self.0.as_ref().filter(|c| !c.released)
    }

    /// Whether some execution holds it.
    pub fn is_held(&self) -> bool {
        self.held_claim().is_some()
    }

    /// Whether `execution` holds it now.
    pub fn holds(&self, execution: &str) -> bool {
        self.held_claim().is_some_and(|c| c.execution.as_str() == execution)
    }

    /// Whether `execution` holds it or was the last to hold it (its work, done or not).
    pub fn is_mine(&self, execution: &str) -> bool {
        self.0.as_ref().is_some_and(|c| c.execution.as_str() == execution)
    }

    /// Takes the slot for `claim` unless another execution holds it. An execution that holds or
    /// held it already (a retried request, a redelivered task) changes nothing: `Ok(false)`.
    pub fn take(&mut self, claim: Claim, what: &str) -> Result<bool, Busy> {
        match &self.0 {
            Some(last) if last.execution == claim.execution => Ok(false),
            Some(held) if !held.released => {
                Err(Busy(format!("{what} is busy with {} ({}); try again when it ends", held.workflow, held.execution)))
            }
            _ => {
                self.0 = Some(claim);
                Ok(true)
            }
        }
    }

    /// Fails unless `execution` holds the slot: every task of a claiming workflow checks this.
    pub fn check(&self, execution: &str, what: &str) -> Result<(), Busy> {
        match &self.0 {
            Some(c) if c.execution.as_str() == execution && !c.released => Ok(()),
            Some(c) if c.execution.as_str() == execution => {
                Err(Busy(format!("{what}: this execution already finished")))
            }
            Some(c) if !c.released => {
                Err(Busy(format!("{what} is now held by {} ({}); this execution moved on", c.workflow, c.execution)))
            }
            _ => Err(Busy(format!("{what} is no longer held by this execution; it moved on"))),
        }
    }

    /// Lets go, if `execution` holds it; returns whether it did.
    pub fn release(&mut self, execution: &str) -> bool {
        match &mut self.0 {
            Some(c) if c.execution.as_str() == execution && !c.released => {
                c.released = true;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn(name: &str) -> ExecutionArn {
        ExecutionArn::of("arn:aws:states:us-east-1:123456789012:stateMachine:m", name)
    }

    fn claim(name: &str, workflow: &str) -> Claim {
        Claim::new(&arn(name), workflow, Timestamp::at(chrono::Utc::now()))
    }

    #[test]
    fn one_execution_at_a_time_and_its_repeats_are_fine() {
        let (e1, e2) = (arn("e1"), arn("e2"));
        let (e1, e2) = (e1.as_str(), e2.as_str());
        let mut slot = ClaimSlot::default();
        assert_eq!(slot.take(claim("e1", "update"), "d"), Ok(true));
        assert_eq!(slot.take(claim("e1", "update"), "d"), Ok(false));
        let refused = slot.take(claim("e2", "delete"), "distribution d").unwrap_err();
        assert!(refused.0.contains("busy with update"), "{refused}");
        assert!(slot.check(e1, "d").is_ok());
        assert!(slot.check(e2, "d").is_err());
        assert!(slot.holds(e1) && !slot.holds(e2));
    }

    #[test]
    fn a_released_claim_remembers_who_held_it() {
        let (e1, e2) = (arn("e1"), arn("e2"));
        let (e1, e2) = (e1.as_str(), e2.as_str());
        let mut slot = ClaimSlot::held(claim("e1", "create"));
        assert!(!slot.release(e2));
        assert!(slot.release(e1));
        assert!(!slot.release(e1), "released once");
        assert!(!slot.is_held() && slot.is_mine(e1) && !slot.holds(e1));
        assert!(slot.check(e1, "d").unwrap_err().0.contains("already finished"));
        // e1 cannot take it again; anyone else can
        assert_eq!(slot.take(claim("e1", "create"), "d"), Ok(false));
        assert!(!slot.is_held());
        assert_eq!(slot.take(claim("e2", "update"), "d"), Ok(true));
        assert!(slot.holds(e2) && !slot.is_mine(e1));
    }
}
