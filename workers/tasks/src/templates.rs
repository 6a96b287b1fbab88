//! `apply-template`: load the version, merge, validate, then run `create-distribution` for the
//! result and wait for it. The worker starts that execution through the Step Functions API (not
//! a nested-execution state), which works on AWS and on the local cloud alike, and every
//! template-made distribution goes through the same states as any other.

use cfm_aws::TaskError;
use cfm_aws::preflight::origin_target;
use cfm_aws::sfn::StepFunctions;
use cfm_core::distribution::validate_create;
use cfm_core::distribution_record::DistributionRecord;
use cfm_core::ids;
use cfm_core::template::{TemplateRecord, applied_spec};
use cfm_events::distribution::{CreateDistributionInput, TemplateRef};
use cfm_events::template::{ApplyTemplateInput, TemplateApplied};
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
    let template = TemplateRef { template_id: input.template_id.clone(), version: input.version };
    let record = DistributionRecord::creating(
        &input.distribution_id,
        &spec,
        Some(template.clone()),
        &name,
        &input.request.actor,
        &now(),
    );
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
