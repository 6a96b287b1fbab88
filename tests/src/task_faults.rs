//! Failing chosen tasks on cue. Where a test needs a step to fail in a way no AWS error
//! injection can reach cleanly (a compensation or recording step, say), it wraps the real
//! handlers in [`Faulty`] and arms a task to fail its next `n` runs with a non-retryable error,
//! exactly as if the task's own call had been refused.

use std::collections::HashMap;
use std::sync::Mutex;

use cfm_events::{ErrorName, FailureDetail, TaskContext};
use cfm_runtime::{TaskFailure, TaskHandler, TaskOutput};
use serde_json::Value;

/// Which tasks fail next, and how many more times.
#[derive(Debug, Default)]
pub struct TaskFaults {
    armed: Mutex<HashMap<String, usize>>,
}

impl TaskFaults {
    /// Makes `task`'s next `times` runs fail with `cfm.Internal`.
    pub fn arm(&self, task: &str, times: usize) {
        self.armed.lock().expect("faults").insert(task.to_owned(), times);
    }

    /// Whether every armed failure happened.
    pub fn spent(&self) -> bool {
        self.armed.lock().expect("faults").values().all(|left| *left == 0)
    }

    fn take(&self, task: &str) -> bool {
        let mut armed = self.armed.lock().expect("faults");
        match armed.get_mut(task) {
            Some(left) if *left > 0 => {
                *left -= 1;
                true
            }
            _ => false,
        }
    }
}

/// The real handlers, failing where [`TaskFaults`] says.
#[derive(Debug)]
pub struct Faulty<H> {
    inner: H,
    faults: std::sync::Arc<TaskFaults>,
}

impl<H> Faulty<H> {
    /// Wraps `inner`.
    pub fn new(inner: H, faults: std::sync::Arc<TaskFaults>) -> Self {
        Self { inner, faults }
    }
}

impl<H: TaskHandler> TaskHandler for Faulty<H> {
    async fn run(&self, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskFailure> {
        if self.faults.take(&ctx.task) {
            let message = format!("{} failed: injected by the test", ctx.task);
            return Err(TaskFailure {
                name: ErrorName::Internal,
                detail: FailureDetail { message, problems: Vec::new() },
            });
        }
        self.inner.run(ctx, input).await
    }
}
