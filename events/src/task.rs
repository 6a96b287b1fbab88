//! The task message: what a `sqs:sendMessage.waitForTaskToken` Task state puts on a worker queue.

use cfm_domain::values::ExecutionArn;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The SQS message body. The ASL builds it as
/// `{"TaskToken.$": "$$.Task.Token", "task": "...", "input.$": "$", "execution.$": "$$.Execution.Id"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskMessage {
    /// The callback token for `SendTaskSuccess`/`SendTaskFailure`.
    #[serde(rename = "TaskToken")]
    pub task_token: String,
    /// Which handler runs it: a task name declared in the topology.
    pub task: String,
    /// The state input.
    pub input: Value,
    /// The execution, from which idempotency keys and event metadata are derived.
    pub execution: ExecutionArn,
}

/// What a handler knows about the execution it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskContext {
    /// The task name.
    pub task: String,
    /// The execution.
    pub execution: ExecutionArn,
}

impl TaskMessage {
    /// Decodes a message body.
    pub fn decode(body: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(body)
    }

    /// The context handed to the handler.
    pub fn context(&self) -> TaskContext {
        TaskContext { task: self.task.clone(), execution: self.execution.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_body_the_asl_builds() {
        let body = r#"{"TaskToken":"tok","task":"CreateBucket","input":{"originId":"org-1"},"execution":"arn:aws:states:us-east-1:123456789012:execution:m:e"}"#;
        let msg = TaskMessage::decode(body).unwrap();
        assert_eq!(msg.task, "CreateBucket");
        assert_eq!(msg.context().execution.name(), "e");
        assert!(TaskMessage::decode(r#"{"task":"x"}"#).is_err());
        assert!(TaskMessage::decode(&body.replace("arn:aws:states", "nonsense")).is_err());
    }
}
