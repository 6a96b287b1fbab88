//! `apply-template`: load the version, merge, validate, then run `create-distribution` for the
//! result and wait for it. The worker starts that execution through the Step Functions API (not
//! a nested-execution state), which works on AWS and on the local cloud alike, and every
//! template-made distribution goes through the same states as any other.

use cfm_aws::TaskError;
use cfm_aws::preflight::origin_target;
use cfm_aws::sfn::{StepFunctions, execution_arn};
use cfm_core::distribution::validate_create;
use cfm_core::distribution_record::{DistributionRecord, DistributionStatus};
use cfm_core::ids;
use cfm_core::origin_record::RecordedError;
use cfm_core::template::{TemplateRecord, applied_spec};
use cfm_events::distribution::{CreateDistributionInput, TemplateRef};
use cfm_events::origin::CaughtFailure;
use cfm_events::template::{ApplyTemplateInput, TemplateApplied, TemplateApplyFailed};
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Deps;
use crate::distributions::poll::Poll;
use crate::input::{event, now, parse};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Machines {
    create_distribution: String,
}

#[derive(Deserialize)]
struct StartInput {
    #[serde(flatten)]
    input: ApplyTemplateInput,
    machines: Machines,
}

fn invalid(cause: impl Into<String>) -> TaskError {
    TaskError::new(ErrorName::Validation, cause)
}

/// Merges the version with the overrides, records the distribution and starts its
/// `create-distribution` execution, named after this one so a redelivery finds it.
pub async fn start(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let StartInput { input, machines } = parse(input)?;
    let template: TemplateRecord = deps.store.require(&input.template_id).await?;
    if template.deleted {
        return Err(TaskError::new(ErrorName::Conflict, format!("template {} is deleted", template.id)));
    }
    let version = deps
        .store
        .template_version(&input.template_id, input.version)
        .await?
        .ok_or_else(|| invalid(format!("template {} has no version {}", input.template_id, input.version)))?;
    let spec = applied_spec(&version.spec, &input.overrides, &input.name);
    validate_create(&spec).map_err(|p| invalid(p.to_string()))?;
    origin_target(&deps.aws, &deps.store, spec.origin_id.as_deref().unwrap_or_default()).await?;
    let name = ids::execution_name("create-distribution", &input.distribution_id, Some(&ctx.execution));
    let child_arn = execution_arn(&machines.create_distribution, &name);
    let template = TemplateRef { template_id: input.template_id.clone(), version: input.version };
    let record = DistributionRecord::creating(
        &input.distribution_id,
        &spec,
        Some(template.clone()),
        &name,
        &child_arn,
        &input.request.actor,
        &now(),
    );
    // A redelivery finds the record the first delivery made and leaves it as it is now.
    deps.store.create(&record).await?;
    let child = CreateDistributionInput {
        distribution_id: input.distribution_id.clone(),
        spec,
        template: Some(template),
        request: input.request.clone(),
    };
    let child = serde_json::to_value(&child).map_err(|e| TaskError::new(ErrorName::Internal, e.to_string()))?;
    let started = StepFunctions::new(&deps.aws).start(&machines.create_distribution, &name, &child).await.map_err(
        |e| match e {
            cfm_aws::sfn::StartError::Aws(err) => err,
            other => TaskError::new(ErrorName::Conflict, other.to_string()),
        },
    )?;
    Ok(TaskOutput::value(json!({ "executionArn": started.execution_arn, "executionId": name })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Child {
    execution_arn: String,
}

#[derive(Deserialize)]
struct CheckInput {
    child: Child,
    poll: Poll,
}

/// `CheckTemplateApply`: has `create-distribution` finished? Its failure fails this workflow.
pub async fn check(deps: &Deps, input: Value) -> Result<TaskOutput, TaskError> {
    let CheckInput { child, poll } = parse(input)?;
    let view = StepFunctions::new(&deps.aws)
        .find(&child.execution_arn)
        .await?
        .ok_or_else(|| TaskError::new(ErrorName::NotFound, format!("no execution {}", child.execution_arn)))?;
    match view.status.as_str() {
        "RUNNING" => Ok(poll.next(false)?.output()),
        "SUCCEEDED" => Ok(poll.next(true)?.output()),
        other => Err(TaskError::new(
            ErrorName::WorkflowFailed,
            format!(
                "{} ended {other}: {} {}",
                view.name,
                view.error.unwrap_or_default(),
                view.cause.unwrap_or_default()
            ),
        )),
    }
}

/// Announces the applied template.
pub async fn finalize(ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: ApplyTemplateInput = parse(input)?;
    let applied = TemplateApplied {
        template_id: input.template_id.clone(),
        version: input.version,
        distribution_id: input.distribution_id.clone(),
    };
    Ok(TaskOutput::value(json!({ "distributionId": input.distribution_id })).with_event(event(
        ctx,
        &input.request,
        &applied,
    )))
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: ApplyTemplateInput,
    machines: Machines,
    failure: CaughtFailure,
}

/// Records the failure. If `create-distribution` never started, nothing else will settle the
/// distribution record this workflow made: it is marked failed and its claim ended. (Once
/// started, that execution owns the record and records its own outcome.)
pub async fn record_failure(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, machines, failure } = parse(input)?;
    let name = ids::execution_name("create-distribution", &input.distribution_id, Some(&ctx.execution));
    let child_arn = execution_arn(&machines.create_distribution, &name);
    let started = StepFunctions::new(&deps.aws).find(&child_arn).await?.is_some();
    if !started && deps.store.get::<DistributionRecord>(&input.distribution_id).await?.is_some() {
        let recorded = RecordedError { error: failure.error.clone(), cause: failure.cause.clone() };
        deps.store
            .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
                if r.settle(&child_arn, DistributionStatus::Failed) {
                    r.last_error = Some(recorded.clone());
                }
                Ok(())
            })
            .await?;
    }
    let failed = TemplateApplyFailed {
        template_id: input.template_id.clone(),
        version: input.version,
        distribution_id: input.distribution_id.clone(),
        error: failure.error,
        cause: failure.cause,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
