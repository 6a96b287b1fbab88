//! Step Functions: executions (the workflows port) and task-token callbacks.

use async_trait::async_trait;
use aws_sdk_sfn::types::HistoryEvent;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use cfm_domain::values::ExecutionArn;
use cfm_domain::vocabulary::Vocabulary;
use cfm_ports::PortResult;
use cfm_ports::steps::{EntryKind, HistoryEntry};
use cfm_ports::tasks::{Callback, TaskCallbacks};
use cfm_ports::workflows::{Execution, ExecutionPage, ExecutionStatus, ExecutionSummary, Start, Workflows};
use serde_json::Value;

use crate::classify::{aws, error_code, unexpected};
use crate::config::AwsContext;
use crate::time::instant;

/// Error codes meaning the task token can no longer be answered.
const TOKEN_GONE: &[&str] = &["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"];

fn callback<E>(op: &'static str, result: Result<(), SdkError<E, HttpResponse>>) -> PortResult<Callback>
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

fn parse_json(text: Option<&str>) -> Option<Value> {
    text.map(|t| serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_owned())))
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

/// Executions per listing page (the most Step Functions answers with).
const LIST_PAGE: i32 = 100;

/// A history event as a step entry; `None` for events steps do not need.
fn entry(event: &HistoryEvent) -> Option<HistoryEntry> {
    let failed = |error: Option<&str>, cause: Option<&str>| EntryKind::Failed {
        error: error.map(str::to_owned),
        cause: cause.map(str::to_owned),
    };
    let kind = if let Some(d) = event.state_entered_event_details() {
        let state_type = event.r#type().as_str().trim_end_matches("StateEntered").to_owned();
        EntryKind::Entered { state: d.name().to_owned(), state_type, input: parse_json(d.input()) }
    } else if let Some(d) = event.state_exited_event_details() {
        EntryKind::Exited { state: d.name().to_owned(), output: parse_json(d.output()) }
    } else if event.task_scheduled_event_details().is_some() {
        EntryKind::Attempt
    } else if let Some(d) = event.task_failed_event_details() {
        failed(d.error(), d.cause())
    } else if let Some(d) = event.task_timed_out_event_details() {
        failed(d.error(), d.cause())
    } else if let Some(d) = event.execution_failed_event_details() {
        failed(d.error(), d.cause())
    } else if let Some(d) = event.execution_timed_out_event_details() {
        failed(d.error(), d.cause())
    } else if let Some(d) = event.execution_aborted_event_details() {
        failed(d.error(), d.cause())
    } else {
        return None;
    };
    Some(HistoryEntry { id: event.id(), at: instant(event.timestamp()), kind })
}

fn status_of(text: &str) -> PortResult<ExecutionStatus> {
    ExecutionStatus::parse(text).ok_or_else(|| unexpected(&format!("execution status {text}")))
}

/// Step Functions.
#[derive(Debug, Clone)]
pub struct StepFunctions {
    client: aws_sdk_sfn::Client,
}

impl StepFunctions {
    /// A client from the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { client: aws.sfn() }
    }
}

#[async_trait]
impl TaskCallbacks for StepFunctions {
    async fn heartbeat(&self, token: &str) -> PortResult<Callback> {
        callback("SendTaskHeartbeat", self.client.send_task_heartbeat().task_token(token).send().await.map(|_| ()))
    }

    async fn succeed(&self, token: &str, output: &Value) -> PortResult<Callback> {
        let result = self.client.send_task_success().task_token(token).output(output.to_string()).send().await;
        callback("SendTaskSuccess", result.map(|_| ()))
    }

    async fn fail(&self, token: &str, error: &str, cause: &str) -> PortResult<Callback> {
        let result = self.client.send_task_failure().task_token(token).error(error).cause(cause).send().await;
        callback("SendTaskFailure", result.map(|_| ()))
    }
}

#[async_trait]
impl Workflows for StepFunctions {
    async fn start(&self, machine: &str, name: &str, input: &Value) -> PortResult<Start> {
        let result =
            self.client.start_execution().state_machine_arn(machine).name(name).input(input.to_string()).send().await;
        match result {
            Ok(out) => {
                let execution = out.execution_arn().parse_arn()?;
                Ok(Start::Started { execution, new: true })
            }
            Err(err) if error_code(&err) == Some("ExecutionAlreadyExists") => {
                let execution = ExecutionArn::of(machine, name);
                match self.execution(&execution).await? {
                    Some(existing) if existing.input == *input => Ok(Start::Started { execution, new: false }),
                    _ => Ok(Start::NameReused),
                }
            }
            Err(err) => Err(aws("StartExecution")(err)),
        }
    }

    async fn execution(&self, execution: &ExecutionArn) -> PortResult<Option<Execution>> {
        let out = match self.client.describe_execution().execution_arn(execution.as_str()).send().await {
            Ok(out) => out,
            Err(err) if matches!(error_code(&err), Some("ExecutionDoesNotExist" | "InvalidArn")) => return Ok(None),
            Err(err) => return Err(aws("DescribeExecution")(err)),
        };
        let history = self
            .client
            .get_execution_history()
            .execution_arn(execution.as_str())
            .reverse_order(true)
            .max_results(1000)
            .send()
            .await
            .map_err(aws("GetExecutionHistory"))?;
        Ok(Some(Execution {
            execution_arn: execution.clone(),
            name: out.name().unwrap_or_default().to_owned(),
            status: status_of(out.status().as_str())?,
            current_state: current_state(history.events()),
            input: parse_json(out.input()).unwrap_or(Value::Null),
            output: parse_json(out.output()),
            error: out.error().map(str::to_owned),
            cause: out.cause().map(str::to_owned),
            started_at: instant(out.start_date()),
            stopped_at: out.stop_date().map(instant),
        }))
    }

    async fn list(
        &self,
        machine: &str,
        status: Option<ExecutionStatus>,
        token: Option<&str>,
    ) -> PortResult<ExecutionPage> {
        let out = self
            .client
            .list_executions()
            .state_machine_arn(machine)
            .max_results(LIST_PAGE)
            .set_status_filter(status.map(|s| aws_sdk_sfn::types::ExecutionStatus::from(s.as_str())))
            .set_next_token(token.map(str::to_owned))
            .send()
            .await
            .map_err(aws("ListExecutions"))?;
        let executions = out
            .executions()
            .iter()
            .map(|e| {
                Ok(ExecutionSummary {
                    execution_arn: e.execution_arn().parse_arn()?,
                    name: e.name().to_owned(),
                    status: status_of(e.status().as_str())?,
                    started_at: instant(e.start_date()),
                    stopped_at: e.stop_date().map(instant),
                })
            })
            .collect::<PortResult<Vec<_>>>()?;
        Ok(ExecutionPage { executions, next_token: out.next_token().map(str::to_owned) })
    }

    async fn history(&self, execution: &ExecutionArn) -> PortResult<Vec<HistoryEntry>> {
        let mut entries = Vec::new();
        let mut token = None;
        loop {
            let call = self.client.get_execution_history().execution_arn(execution.as_str()).max_results(1000);
            let out = match call.set_next_token(token).send().await {
                Ok(out) => out,
                Err(err) if matches!(error_code(&err), Some("ExecutionDoesNotExist")) => return Ok(Vec::new()),
                Err(err) => return Err(aws("GetExecutionHistory")(err)),
            };
            entries.extend(out.events().iter().filter_map(entry));
            token = out.next_token().map(str::to_owned);
            if token.is_none() {
                return Ok(entries);
            }
        }
    }
}

trait ParseArn {
    fn parse_arn(&self) -> PortResult<ExecutionArn>;
}

impl ParseArn for str {
    fn parse_arn(&self) -> PortResult<ExecutionArn> {
        <ExecutionArn as cfm_domain::Checked>::parse(self).map_err(|_| unexpected(&format!("execution ARN {self}")))
    }
}
