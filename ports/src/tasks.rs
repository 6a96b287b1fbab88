//! What the task runtime needs: answering Step Functions for a task token, and a queue to take
//! task messages from (the local driver; on Lambda the event source mapping is the queue).

use async_trait::async_trait;

use crate::error::PortResult;

/// What became of a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Step Functions took it.
    Delivered,
    /// The task already ended (timed out, answered, retried, or the execution stopped).
    TokenGone(String),
}

/// Task-token callbacks.
#[async_trait]
pub trait TaskCallbacks: Send + Sync {
    /// The task is still alive.
    async fn heartbeat(&self, token: &str) -> PortResult<Callback>;
    /// The task's output.
    async fn succeed(&self, token: &str, output: &serde_json::Value) -> PortResult<Callback>;
    /// The task's failure: a stable error name and its cause.
    async fn fail(&self, token: &str, error: &str, cause: &str) -> PortResult<Callback>;
}

/// A message taken from a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The body.
    pub body: String,
    /// The handle to settle it with.
    pub receipt: String,
}

/// One queue and its dead-letter queue.
#[async_trait]
pub trait Queue: Send + Sync {
    /// Waits briefly for messages.
    async fn receive(&self) -> PortResult<Vec<Received>>;
    /// Deletes a handled message.
    async fn delete(&self, receipt: &str) -> PortResult<()>;
    /// Makes a message visible again after `seconds`.
    async fn retry_later(&self, receipt: &str, seconds: i32) -> PortResult<()>;
    /// Puts a body on the dead-letter queue.
    async fn dead_letter(&self, body: &str) -> PortResult<()>;
}
