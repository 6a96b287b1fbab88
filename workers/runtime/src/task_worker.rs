//! The task protocol, worker side: decode → run with heartbeats → publish events → answer.

use std::future::Future;
use std::time::Duration;

use cfm_aws::TaskError;
use cfm_aws::events::EventPublisher;
use cfm_aws::sfn::{Callback, StepFunctions};
use cfm_events::{OutgoingEvent, TaskContext, TaskMessage};
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

/// Runs tasks by name. Must be idempotent: SQS delivers at least once.
pub trait TaskHandler: Send + Sync + 'static {
    /// Runs task `ctx.task` on `input`.
    fn run(&self, ctx: &TaskContext, input: Value) -> impl Future<Output = Result<TaskOutput, TaskError>> + Send;
}

/// A [`MessageHandler`] speaking the task-token protocol.
#[derive(Debug, Clone)]
pub struct TaskWorker<H> {
    handler: H,
    sfn: StepFunctions,
    events: EventPublisher,
    heartbeat_every: Duration,
}

impl<H: TaskHandler> TaskWorker<H> {
    /// A worker that heartbeats every `heartbeat_every` while a task runs (keep it well under
    /// the ASL `HeartbeatSeconds`).
    pub fn new(handler: H, sfn: StepFunctions, events: EventPublisher, heartbeat_every: Duration) -> Self {
        Self { handler, sfn, events, heartbeat_every }
    }

    async fn run_with_heartbeats(&self, msg: &TaskMessage) -> Option<Result<TaskOutput, TaskError>> {
        let ctx = msg.context();
        let work = self.handler.run(&ctx, msg.input.clone());
        tokio::pin!(work);
        let mut ticker = tokio::time::interval(self.heartbeat_every);
        ticker.tick().await;
        loop {
            tokio::select! {
                result = &mut work => return Some(result),
                _ = ticker.tick() => match self.sfn.heartbeat(&msg.task_token).await {
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
        match self.sfn.heartbeat(&msg.task_token).await {
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
                self.sfn.succeed(&msg.task_token, &out.output).await
            }
            Err(err) => {
                info!(error = %err.name, cause = %err.cause, "task failed");
                self.sfn.fail(&msg.task_token, &err).await
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
