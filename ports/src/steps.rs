//! An execution's steps, from its history: every state entered and left, in order, with its
//! task attempts and failure. Built from the history's events in any page order (the local
//! cloud ignores `reverseOrder`), sorted by event id.

use cfm_domain::values::Timestamp;
use serde::Serialize;
use serde_json::Value;

/// One history event, as far as steps need it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The event id (history order).
    pub id: i64,
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub kind: EntryKind,
}

/// What a history event says about the states.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryKind {
    /// A state was entered; `state_type` from the event type (`TaskStateEntered` → `Task`).
    Entered {
        /// The state.
        state: String,
        /// Its type.
        state_type: String,
        /// Its input.
        input: Option<Value>,
    },
    /// A state was left.
    Exited {
        /// The state.
        state: String,
        /// Its output.
        output: Option<Value>,
    },
    /// A task attempt was scheduled.
    Attempt,
    /// A task attempt, or the execution, failed.
    Failed {
        /// The error name.
        error: Option<String>,
        /// Its cause.
        cause: Option<String>,
    },
}

/// How a step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StepOutcome {
    /// Entered, not left yet.
    Running,
    /// Left without an error.
    Succeeded,
    /// Left after an error a `Catch` took.
    Caught,
    /// Never left: the execution failed here.
    Failed,
}

/// One state's run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The state.
    pub name: String,
    /// Its type (`Task`, `Choice`, `Wait`, …).
    pub state_type: String,
    /// How it went.
    pub outcome: StepOutcome,
    /// When it was entered.
    pub entered_at: Timestamp,
    /// When it was left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exited_at: Option<Timestamp>,
    /// How long it took, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<i64>,
    /// Task attempts (0 for states that are not tasks).
    pub attempts: u32,
    /// Attempts after the first.
    pub retries: u32,
    /// The last error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// What it got.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// What it gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
}

/// The steps `entries` tell of, in the order the states were entered. Whether the execution
/// still runs decides what a step never left is: running, or where it failed.
pub fn steps(mut entries: Vec<HistoryEntry>, still_running: bool) -> Vec<Step> {
    entries.sort_by_key(|e| e.id);
    let mut steps: Vec<Step> = Vec::new();
    for entry in entries {
        match entry.kind {
            EntryKind::Entered { state, state_type, input } => steps.push(Step {
                name: state,
                state_type,
                outcome: StepOutcome::Running,
                entered_at: entry.at,
                exited_at: None,
                duration_ms: None,
                attempts: 0,
                retries: 0,
                error: None,
                cause: None,
                input,
                output: None,
            }),
            EntryKind::Exited { state, output } => {
                if let Some(step) = steps.iter_mut().rev().find(|s| s.name == state && s.exited_at.is_none()) {
                    step.exited_at = Some(entry.at);
                    step.duration_ms = Some((entry.at.time() - step.entered_at.time()).num_milliseconds());
                    step.output = output;
                }
            }
            EntryKind::Attempt => {
                if let Some(step) = steps.iter_mut().rev().find(|s| s.exited_at.is_none()) {
                    step.attempts += 1;
                    step.retries = step.attempts.saturating_sub(1);
                }
            }
            EntryKind::Failed { error, cause } => {
                // The open step failed; once all are left, the execution failed in the last one.
                let open = steps.iter().rposition(|s| s.exited_at.is_none());
                if let Some(step) = open.or(steps.len().checked_sub(1)).map(|i| &mut steps[i]) {
                    step.error = error.or(step.error.take());
                    step.cause = cause.or(step.cause.take());
                }
            }
        }
    }
    for step in &mut steps {
        step.outcome = match (step.exited_at.is_some(), step.error.is_some()) {
            (true, false) => StepOutcome::Succeeded,
            (true, true) => StepOutcome::Caught,
            (false, _) if still_running => StepOutcome::Running,
            (false, _) => StepOutcome::Failed,
        };
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::at(chrono::DateTime::from_timestamp(1_700_000_000 + second, 0).unwrap())
    }

    fn entry(id: i64, second: i64, kind: EntryKind) -> HistoryEntry {
        HistoryEntry { id, at: at(second), kind }
    }

    fn entered(state: &str, state_type: &str) -> EntryKind {
        EntryKind::Entered { state: state.into(), state_type: state_type.into(), input: None }
    }

    fn exited(state: &str) -> EntryKind {
        EntryKind::Exited { state: state.into(), output: Some(serde_json::json!({"ok": true})) }
    }

    fn failed(error: &str) -> EntryKind {
        EntryKind::Failed { error: Some(error.into()), cause: Some(format!("{error} happened")) }
    }

    #[test]
    fn steps_come_in_order_with_their_retries_a_caught_error_and_where_it_failed() {
        // Shuffled, as a history read in pages of any order may be.
        let entries = vec![
            entry(9, 7, exited("Record")),
            entry(1, 0, entered("Create", "Task")),
            entry(2, 0, EntryKind::Attempt),
            entry(3, 1, failed("cfm.Throttled")),
            entry(4, 2, EntryKind::Attempt),
            entry(5, 3, failed("cfm.Validation")),
            entry(6, 3, exited("Create")),
            entry(7, 3, entered("Record", "Task")),
            entry(8, 4, EntryKind::Attempt),
            entry(10, 7, entered("Failed", "Fail")),
            entry(11, 7, failed("cfm.Validation")),
        ];
        let steps = steps(entries, false);
        let names: Vec<_> = steps.iter().map(|s| (s.name.as_str(), s.outcome)).collect();
        assert_eq!(
            names,
            [("Create", StepOutcome::Caught), ("Record", StepOutcome::Succeeded), ("Failed", StepOutcome::Failed)]
        );
        assert_eq!((steps[0].attempts, steps[0].retries, steps[0].duration_ms), (2, 1, Some(3000)));
        assert_eq!(steps[0].error.as_deref(), Some("cfm.Validation"), "the last error");
        assert_eq!((steps[1].attempts, steps[1].duration_ms), (1, Some(4000)));
        assert_eq!(steps[2].cause.as_deref(), Some("cfm.Validation happened"));
    }

    #[test]
    fn a_step_not_left_yet_is_running_while_the_execution_runs() {
        let steps = steps(vec![entry(1, 0, entered("Wait", "Wait"))], true);
        assert_eq!((steps[0].outcome, steps[0].exited_at), (StepOutcome::Running, None));
    }
}
