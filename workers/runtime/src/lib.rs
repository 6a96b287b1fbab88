//! The task runtime: how a worker turns queue messages into task results.
//!
//! - [`task_worker`]: decode a task message, run its handler with heartbeats, publish its
//!   events, answer Step Functions.
//! - [`local`]: the SQS long-poll driver used on the local cloud.
//! - [`lambda`]: the AWS Lambda driver (SQS event source, partial batch failures).
//!
//! Both drivers run any [`MessageHandler`] and settle each message the same way
//! ([`settle`]).

pub mod lambda;
pub mod local;
pub mod settle;
pub mod task_worker;

use std::future::Future;

pub use settle::{Settle, Settler};
pub use task_worker::{TaskFailure, TaskHandler, TaskOutput, TaskWorker};

/// Handles one message body from a queue and says what to do with the message.
pub trait MessageHandler: Send + Sync + 'static {
    /// Processes `body`.
    fn handle(&self, body: &str) -> impl Future<Output = Settle> + Send;
}
