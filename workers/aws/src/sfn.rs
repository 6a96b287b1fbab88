//! Step Functions: task callbacks (workers) and executions (API).

use aws_sdk_sfn::types::HistoryEvent;
use cfm_events::ErrorName;
use serde::Serialize;

use crate::classify::{TaskError, aws, error_code};
use crate::config::AwsContext;

/// What became of a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Step Functions took it.
    Delivered,
    /// The task already ended (timed out, answered, or the execution stopped): log and move on.
    TokenGone(String),
}

/// Error codes meaning the task token can no longer be answered.
const TOKEN_GONE: &[&str] = &["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"];

fn callback_result<E>(
    op: &'static str,
    result: Result<
        (),
        aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    >,
) -> Result<Callback, TaskError>
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(()) => Ok(Callback::Delivered),
        Err(err) if error_code(&err).is_some_and(|c| TOKEN_GONE.contains(&c)) => {
            Ok(Callback::TokenGone(error_code(&err).unwrap_or_default().to_owned()))
        }
        Err(err) => Err(aws(op)(err)),
    }
}

/// The Step Functions client.
#[derive(Debug, Clone)]
pub struct StepFunctions {
    client: aws_sdk_sfn::Client,
}

/// A started (or found) execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// Its ARN.
    pub execution_arn: String,
    /// False when the name already existed with the same input: nothing new was started.
    pub new: bool,
}

/// Why an execution could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The name is taken by an execution with a different input: an `Idempotency-Key` reused for
    /// a different request.
    #[error("execution {0} already exists with a different input")]
    NameReused(String),
    /// An AWS failure.
    #[error(transparent)]
    Aws(#[from] TaskError),
}

/// An operator's view of an execution.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionView {
    /// The execution ARN.
    pub execution_arn: String,
    /// The execution name.
    pub name: String,
    /// RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED.
    pub status: String,
    /// The state it is in (or was in last).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_state: Option<String>,
    /// The input.
    pub input: serde_json::Value,
    /// The output, once succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<serde_json::Value>,
    /// The error name, once failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The failure cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// RFC 3339 start time.
    pub started_at: String,
    /// RFC 3339 stop time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<String>,
}

fn parse_json(text: Option<&str>) -> Option<serde_json::Value> {
    text.map(|t| serde_json::from_str(t).unwrap_or_else(|_| serde_json::Value::String(t.to_owned())))
}

fn time(t: &aws_smithy_types::DateTime) -> String {
    t.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap_or_default()
}

/// The ARN of execution `name` of the state machine `machine_arn`.
pub fn execution_arn(machine_arn: &str, name: &str) -> String {
    format!("{}:{name}", machine_arn.replacen(":stateMachine:", ":execution:", 1))
}

impl StepFunctions {
    /// A client from the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { client: aws.sfn() }
    }

    /// Reports a task's output.
    pub async fn succeed(&self, token: &str, output: &serde_json::Value) -> Result<Callback, TaskError> {
        let result = self.client.send_task_success().task_token(token).output(output.to_string()).send().await;
        callback_result("SendTaskSuccess", result.map(|_| ()))
    }

    /// Reports a task's failure with its stable name.
    pub async fn fail(&self, token: &str, error: &TaskError) -> Result<Callback, TaskError> {
        // Step Functions caps cause at 32,768 characters.
        let cause: String = error.cause.chars().take(32_000).collect();
        let result =
            self.client.send_task_failure().task_token(token).error(error.name.as_str()).cause(cause).send().await;
        callback_result("SendTaskFailure", result.map(|_| ()))
    }

    /// Tells Step Functions the task is still alive.
    pub async fn heartbeat(&self, token: &str) -> Result<Callback, TaskError> {
        let result = self.client.send_task_heartbeat().task_token(token).send().await;
        callback_result("SendTaskHeartbeat", result.map(|_| ()))
    }

    /// Starts execution `name` with `input`. The same name with the same input returns the
    /// existing execution, as Step Functions itself does for open executions.
    pub async fn start(&self, machine_arn: &str, name: &str, input: &serde_json::Value) -> Result<Started, StartError> {
        let result = self
            .client
            .start_execution()
            .state_machine_arn(machine_arn)
            .name(name)
            .input(input.to_string())
            .send()
            .await;
        match result {
            Ok(out) => Ok(Started { execution_arn: out.execution_arn().to_owned(), new: true }),
            Err(err) if error_code(&err) == Some("ExecutionAlreadyExists") => {
                let arn = execution_arn(machine_arn, name);
                let existing = self.describe(&arn).await?;
                if existing.input == *input {
                    Ok(Started { execution_arn: arn, new: false })
                } else {
                    Err(StartError::NameReused(name.to_owned()))
                }
            }
            Err(err) => Err(StartError::Aws(aws("StartExecution")(err))),
        }
    }

    /// Status, current state, output or error of an execution; `None` if there is no such one.
    pub async fn find(&self, arn: &str) -> Result<Option<ExecutionView>, TaskError> {
        match self.describe(arn).await {
            Ok(view) => Ok(Some(view)),
            Err(err) if err.name == ErrorName::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    async fn describe(&self, arn: &str) -> Result<ExecutionView, TaskError> {
        let out = match self.client.describe_execution().execution_arn(arn).send().await {
            Ok(out) => out,
            Err(err) if matches!(error_code(&err), Some("ExecutionDoesNotExist" | "InvalidArn")) => {
                return Err(TaskError::new(ErrorName::NotFound, format!("no execution {arn}")));
            }
            Err(err) => return Err(aws("DescribeExecution")(err)),
        };
        let history = self
            .client
            .get_execution_history()
            .execution_arn(arn)
            .reverse_order(true)
            .max_results(1000)
            .send()
            .await
            .map_err(aws("GetExecutionHistory"))?;
        Ok(ExecutionView {
            execution_arn: arn.to_owned(),
            name: out.name().unwrap_or_default().to_owned(),
            status: out.status().as_str().to_owned(),
            current_state: current_state(history.events()),
            input: parse_json(out.input()).unwrap_or(serde_json::Value::Null),
            output: parse_json(out.output()),
            error: out.error().map(str::to_owned),
            cause: out.cause().map(str::to_owned),
            started_at: time(out.start_date()),
            stopped_at: out.stop_date().map(time),
        })
    }
}

/// The most recently entered state: the entered event with the highest id (the local cloud
/// ignores `reverseOrder`, so the order of `events` is not relied on).
fn current_state(events: &[HistoryEvent]) -> Option<String> {
    events
        .iter()
        .filter_map(|e| e.state_entered_event_details().map(|d| (e.id(), d.name())))
        .max_by_key(|(id, _)| *id)
        .map(|(_, name)| name.to_owned())
}
