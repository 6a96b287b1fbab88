//! The task protocol, worker side: decode → prove the token live → run with heartbeats →
//! publish events → answer.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use cfm_events::{ErrorName, FailureDetail, OutgoingEvent, TaskContext, TaskMessage};
use cfm_ports::events::EventBus;
use cfm_ports::tasks::{Callback, TaskCallbacks};
use serde_json::Value;
use tracing::{Instrument, info, warn};

use crate::{MessageHandler, Settle};

/// What a task hands back: its output for the next state, and the events it caused.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskOutput {
    /// Sent with `SendTaskSuccess`; the state's `ResultPath` places it.
    pub output: Value,
    /// Published before answering, so a redelivery republishes the same event ids.
    pub events: Vec<OutgoingEvent>,
}

impl TaskOutput {
    /// An empty output with no events.
    pub fn none() -> Self {
        Self { output: Value::Object(Default::default()), events: Vec::new() }
    }

    /// An output with no events.
    pub fn value(output: Value) -> Self {
        Self { output, events: Vec::new() }
    }

    /// Adds an event.
    pub fn with_event(mut self, event: OutgoingEvent) -> Self {
        self.events.push(event);
        self
    }
}

/// A task's failure as Step Functions receives it: the stable name `Retry`/`Catch` match, and
/// the typed detail carried as the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFailure {
    /// The stable name.
    pub name: ErrorName,
    /// What happened (and the problems, for invalid input).
    pub detail: FailureDetail,
}

/// Runs tasks by name. Must be idempotent: SQS delivers at least once.
pub trait TaskHandler: Send + Sync + 'static {
    /// Runs task `ctx.task` on `input`.
    fn run(&self, ctx: &TaskContext, input: Value) -> impl Future<Output = Result<TaskOutput, TaskFailure>> + Send;
}

/// A [`MessageHandler`] speaking the task-token protocol.
pub struct TaskWorker<H> {
    handler: H,
    callbacks: Arc<dyn TaskCallbacks>,
    events: Arc<dyn EventBus>,
    heartbeat_every: Duration,
}

impl<H: TaskHandler> TaskWorker<H> {
    /// A worker that heartbeats every `heartbeat_every` while a task runs (keep it well under
    /// the ASL `HeartbeatSeconds`).
    pub fn new(
        handler: H,
        callbacks: Arc<dyn TaskCallbacks>,
        events: Arc<dyn EventBus>,
        heartbeat_every: Duration,
    ) -> Self {
        Self { handler, callbacks, events, heartbeat_every }
    }

    async fn run_with_heartbeats(&self, msg: &TaskMessage) -> Option<Result<TaskOutput, TaskFailure>> {
        let ctx = msg.context();
        let work = self.handler.run(&ctx, msg.input.clone());
        tokio::pin!(work);
        let mut ticker = tokio::time::interval(self.heartbeat_every);
        ticker.tick().await;
        loop {
            tokio::select! {
                result = &mut work => return Some(result),
                _ = ticker.tick() => match self.callbacks.heartbeat(&msg.task_token).await {
                    Ok(Callback::Delivered) => {}
                    Ok(Callback::TokenGone(code)) => {
                        warn!(code, "task ended while running (timed out or stopped); abandoning it");
                        return None;
                    }
                    Err(err) => warn!(%err, "heartbeat failed; carrying on"),
                },
            }
        }
    }

    async fn process(&self, msg: TaskMessage) -> Settle {
        // SQS redelivers late (after a Lambda timeout the batch returns after the visibility
        // timeout), when Step Functions may have timed the task out and moved on. A heartbeat
        // first proves the token is still live, so such a delivery does nothing at all.
        match self.callbacks.heartbeat(&msg.task_token).await {
            Ok(Callback::Delivered) => {}
            Ok(Callback::TokenGone(code)) => {
                info!(code, "the task already ended (answered, timed out or retried); dropping this delivery");
                return Settle::Ack;
            }
            Err(err) => return Settle::Retry(format!("could not check the task token: {err}")),
        }
        let Some(result) = self.run_with_heartbeats(&msg).await else { return Settle::Ack };
        let answer = match result {
            Ok(out) => {
                if let Err(err) = self.events.publish(&out.events).await {
                    return Settle::Retry(format!("events not published: {err}"));
                }
                info!(events = out.events.len(), "task succeeded");
                self.callbacks.succeed(&msg.task_token, &out.output).await
            }
            Err(failure) => {
                info!(error = %failure.name, cause = %failure.detail.message, "task failed");
                self.callbacks.fail(&msg.task_token, failure.name.as_str(), &failure.detail.to_cause()).await
            }
        };
        match answer {
            Ok(Callback::Delivered) => Settle::Ack,
            Ok(Callback::TokenGone(code)) => {
                warn!(code, "answered too late (timed out, already answered, or stopped); acking");
                Settle::Ack
            }
            Err(err) => Settle::Retry(format!("could not answer Step Functions: {err}")),
        }
    }
}

impl<H: TaskHandler> MessageHandler for TaskWorker<H> {
    async fn handle(&self, body: &str) -> Settle {
        let msg = match TaskMessage::decode(body) {
            Ok(msg) => msg,
            Err(err) => return Settle::DeadLetter(format!("not a task message: {err}")),
        };
        let span = tracing::info_span!("task", task = %msg.task, execution = %msg.execution);
        self.process(msg).instrument(span).await
    }
}
