//! `invalidate-distribution`: create the invalidation once per execution, poll until it
//! completes, announce it.

use cfm_aws::TaskError;
use cfm_core::distribution::validate_paths;
use cfm_core::distribution_record::DistributionRecord;
use cfm_events::distribution::{InvalidateInput, InvalidationCompleted, InvalidationFailed};
use cfm_events::envelope::stable_id;
use cfm_events::origin::CaughtFailure;
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::{Value, json};

use super::invalid;
use super::poll::Poll;
use crate::Deps;
use crate::input::{event, parse};

async fn cloudfront_id(deps: &Deps, distribution_id: &str) -> Result<String, TaskError> {
    let record: DistributionRecord = deps.store.require(distribution_id).await?;
    record.cloudfront_id.ok_or_else(|| {
        TaskError::new(
            ErrorName::Conflict,
            format!("distribution {distribution_id} has no CloudFront distribution yet"),
        )
    })
}

/// Creates the invalidation. The caller reference and a stored marker both come from the
/// execution, so a redelivered task returns the invalidation it already made.
pub async fn create(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: InvalidateInput = parse(input)?;
    validate_paths(&input.paths).map_err(|p| invalid(p.to_string()))?;
    let id = cloudfront_id(deps, &input.distribution_id).await?;
    let marker = format!("invalidation/{}", stable_id(&[&ctx.execution]));
    let invalidation = match deps.store.recall(&marker).await? {
        Some(existing) => existing,
        None => {
            let created = deps
                .cloudfront
                .create_invalidation(&id, &input.paths, &format!("cfm-{}", stable_id(&[&ctx.execution])))
                .await?;
            deps.store.remember(&marker, &created).await?;
            created
        }
    };
    Ok(TaskOutput::value(json!({ "invalidationId": invalidation })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invalidation {
    invalidation_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CheckInput {
    distribution_id: String,
    invalidation: Invalidation,
    poll: Poll,
}

/// `CheckInvalidation`: has it completed?
pub async fn check(deps: &Deps, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CheckInput = parse(input)?;
    let id = cloudfront_id(deps, &input.distribution_id).await?;
    let done = deps.cloudfront.invalidation_completed(&id, &input.invalidation.invalidation_id).await?;
    Ok(input.poll.next(done)?.output())
}

#[derive(Deserialize)]
struct FinalInput {
    #[serde(flatten)]
    input: InvalidateInput,
    invalidation: Invalidation,
}

/// Announces the completed invalidation.
pub async fn finalize(ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let FinalInput { input, invalidation } = parse(input)?;
    let completed = InvalidationCompleted {
        distribution_id: input.distribution_id.clone(),
        invalidation_id: invalidation.invalidation_id.clone(),
        paths: input.paths.clone(),
    };
    Ok(TaskOutput::value(json!({ "invalidationId": invalidation.invalidation_id })).with_event(event(
        ctx,
        &input.request,
        &completed,
    )))
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: InvalidateInput,
    failure: CaughtFailure,
}

/// Announces that the invalidation failed (the distribution itself is not changed by it).
pub async fn record_failure(ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure } = parse(input)?;
    let failed = InvalidationFailed {
        distribution_id: input.distribution_id.clone(),
        paths: input.paths.clone(),
        error: failure.error,
        cause: failure.cause,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
