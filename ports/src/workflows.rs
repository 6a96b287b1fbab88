//! Step Functions executions: starting and reading them.

use async_trait::async_trait;
use cfm_domain::values::{ExecutionArn, Timestamp};
use cfm_domain::vocabulary;
use serde_json::Value;

use crate::error::PortResult;
use crate::steps::HistoryEntry;

vocabulary!(
    /// How an execution stands.
    ExecutionStatus {
        /// Still running.
        Running => "RUNNING",
        /// Ended well.
        Succeeded => "SUCCEEDED",
        /// Ended with an error.
        Failed => "FAILED",
        /// Ran out of time.
        TimedOut => "TIMED_OUT",
        /// Stopped by someone.
        Aborted => "ABORTED",
        /// Paused for a redrive.
        PendingRedrive => "PENDING_REDRIVE",
    }
);

/// What came of starting an execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// It runs (`new`: this call started it; else one with this name and input existed).
    Started {
        /// The execution.
        execution: ExecutionArn,
        /// Whether this call started it.
        new: bool,
    },
    /// The name is taken by an execution with another input.
    NameReused,
}

/// An execution as Step Functions shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    /// Its ARN.
    pub execution_arn: ExecutionArn,
    /// Its name.
    pub name: String,
    /// How it stands.
    pub status: ExecutionStatus,
    /// The state it is in (or was in last).
    pub current_state: Option<String>,
    /// Its input.
    pub input: Value,
    /// Its output, once succeeded.
    pub output: Option<Value>,
    /// The error name, once failed.
    pub error: Option<String>,
    /// The failure's cause.
    pub cause: Option<String>,
    /// When it started.
    pub started_at: Timestamp,
    /// When it stopped.
    pub stopped_at: Option<Timestamp>,
}

/// An execution in a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionSummary {
    /// Its ARN.
    pub execution_arn: ExecutionArn,
    /// Its name.
    pub name: String,
    /// How it stands.
    pub status: ExecutionStatus,
    /// When it started.
    pub started_at: Timestamp,
    /// When it stopped.
    pub stopped_at: Option<Timestamp>,
}

/// One page of a machine's executions, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExecutionPage {
    /// The executions.
    pub executions: Vec<ExecutionSummary>,
    /// Where the next page starts, if there is one.
    pub next_token: Option<String>,
}

/// Step Functions.
#[async_trait]
pub trait Workflows: Send + Sync {
    /// Starts execution `name` of `machine` with `input`.
    async fn start(&self, machine: &str, name: &str, input: &Value) -> PortResult<Start>;
    /// The execution, or `None` if there is no such one.
    async fn execution(&self, execution: &ExecutionArn) -> PortResult<Option<Execution>>;
    /// A page of `machine`'s executions (with `status`, if given), newest first, from `token`.
    async fn list(
        &self,
        machine: &str,
        status: Option<ExecutionStatus>,
        token: Option<&str>,
    ) -> PortResult<ExecutionPage>;
    /// The execution's whole history, as far as its steps need it (empty if there is none).
    async fn history(&self, execution: &ExecutionArn) -> PortResult<Vec<HistoryEntry>>;
}
