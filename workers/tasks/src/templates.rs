//! `apply-template`: load the version, merge, check, then run `create-distribution` for the
//! result and wait for it. The worker starts that execution through the Step Functions API (not
//! a nested-execution state), which works on AWS and on the local cloud alike, and every
//! template-made distribution goes through the same states as any other.

use cfm_domain::claim::Claim;
use cfm_domain::distribution::{DistributionRecord, DistributionStatus, TemplateRef};
use cfm_domain::template::{TemplateRecord, applied_spec};
use cfm_domain::values::{ExecutionArn, execution_name};
use cfm_events::distribution::CreateDistributionInput;
use cfm_events::template::{ApplyTemplateInput, TemplateApplied, TemplateApplyFailed};
use cfm_ports::workflows::{ExecutionStatus, Start};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::json;

use crate::cx::Cx;
use crate::distributions::poll::Poll;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;
use crate::machines::{CreateMachine, WithMachines};

/// `apply-template`'s input with the state machine it runs.
pub type ApplyInput = WithMachines<ApplyTemplateInput, CreateMachine>;

/// The `create-distribution` execution an apply runs, named after the apply's execution so a
/// redelivery finds it.
fn child(cx: &Cx<'_>, input: &ApplyTemplateInput, machines: &CreateMachine) -> (String, ExecutionArn) {
    let name = execution_name("create-distribution", input.distribution_id.as_str(), Some(cx.execution().as_str()));
    let arn = ExecutionArn::of(&machines.create_distribution, &name);
    (name, arn)
}

/// Merges the version with the overrides, records the distribution and starts its
/// `create-distribution` execution.
pub async fn start(cx: &Cx<'_>, WithMachines { input, machines }: ApplyInput) -> TaskResult<TaskOutput> {
    let template: TemplateRecord = cx.require(input.template_id.as_str()).await?;
    if template.deleted {
        return Err(TaskError::Conflict(format!("template {} is deleted", template.id)));
    }
    let version = cx.ports.store.version(input.template_id.as_str(), input.version).await?.ok_or_else(|| {
        TaskError::Refused(format!("template {} has no version {}", input.template_id, input.version))
    })?;
    let spec = applied_spec(&version.spec, &input.overrides, &input.name).map_err(TaskError::Invalid)?;
    crate::distributions::desired(cx, &spec).await?;
    let (name, arn) = child(cx, &input, &machines);
    let template = TemplateRef { template_id: input.template_id.clone(), version: input.version };
    let claim = Claim::new(&arn, "create-distribution", cx.now());
    let record = DistributionRecord::creating(
        input.distribution_id.clone(),
        spec.clone(),
        Some(template.clone()),
        claim,
        &input.request.actor,
        cx.now(),
    );
    // A redelivery finds the record the first delivery made and leaves it as it is now.
    if cx.records().create(&record).await?.is_err() {
        return Err(TaskError::Conflict(format!("distribution {} already exists", input.distribution_id)));
    }
    let child_input = CreateDistributionInput {
        distribution_id: input.distribution_id.clone(),
        spec,
        template: Some(template),
        request: input.request.clone(),
    };
    let child_input = serde_json::to_value(&child_input).map_err(|e| TaskError::Internal(e.to_string()))?;
    match cx.ports.workflows.start(&machines.create_distribution, &name, &child_input).await? {
        Start::Started { execution, .. } => {
            Ok(TaskOutput::value(json!({ "executionArn": execution, "executionId": name })))
        }
        Start::NameReused => Err(TaskError::Conflict(format!("execution {name} exists with another input"))),
    }
}

/// The started execution at `$.child`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Child {
    execution_arn: ExecutionArn,
}

/// The input of a check on the started execution.
#[derive(Deserialize)]
pub struct CheckInput {
    child: Child,
    poll: Poll,
}

/// `CheckTemplateApply`: has `create-distribution` finished? Its failure fails this workflow.
pub async fn check(cx: &Cx<'_>, CheckInput { child, poll }: CheckInput) -> TaskResult<TaskOutput> {
    let execution = cx
        .ports
        .workflows
        .execution(&child.execution_arn)
        .await?
        .ok_or_else(|| TaskError::NotFound(format!("no execution {}", child.execution_arn)))?;
    match execution.status {
        ExecutionStatus::Running => Ok(poll.next(false)?.output()),
        ExecutionStatus::Succeeded => Ok(poll.next(true)?.output()),
        other => Err(TaskError::WorkflowFailed(format!(
            "{} ended {other}: {} {}",
            execution.name,
            execution.error.unwrap_or_default(),
            execution.cause.unwrap_or_default()
        ))),
    }
}

/// Announces the applied template.
pub async fn finalize(cx: &Cx<'_>, input: ApplyTemplateInput) -> TaskResult<TaskOutput> {
    let applied = TemplateApplied {
        template_id: input.template_id.clone(),
        version: input.version,
        distribution_id: input.distribution_id.clone(),
    };
    let output = json!({ "distributionId": input.distribution_id });
    Ok(TaskOutput::value(output).with_event(cx.event(&input.request, &applied)))
}

/// Records the failure. If `create-distribution` never started, nothing else will settle the
/// distribution record this workflow made: it is marked failed and its claim ended. (Once
/// started, that execution owns the record and records its own outcome.)
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<ApplyInput>) -> TaskResult<TaskOutput> {
    let (failure, WithMachines { input, machines }) = (failed.failure(), &failed.input);
    let (_, arn) = child(cx, input, machines);
    if cx.ports.workflows.execution(&arn).await?.is_none() {
        let id = input.distribution_id.as_str();
        cx.settle_failed_as::<DistributionRecord>(id, arn.as_str(), DistributionStatus::Failed, &failure, |_| ())
            .await?;
    }
    let event = TemplateApplyFailed {
        template_id: input.template_id.clone(),
        version: input.version,
        distribution_id: input.distribution_id.clone(),
        failure,
    };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
