//! `update-distribution`: the API claimed the record for this execution; merge the patch into
//! the stored spec, apply it to CloudFront with If-Match (re-reading on 412), wait until
//! Deployed, record, end the claim and announce.

use cfm_aws::TaskError;
use cfm_aws::cloudfront::convert::{apply_managed, build_config};
use cfm_core::distribution::{validate_create, validate_patch};
use cfm_core::distribution_record::{DistributionRecord, DistributionStatus};
use cfm_events::distribution::{DistributionUpdateFailed, DistributionUpdated, UpdateDistributionInput};
use cfm_events::origin::CaughtFailure;
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::Value;

use super::{check_certificate, claimed, invalid, origin_target, record_failed_change};
use crate::Deps;
use crate::input::{busy, event, now, parse};

/// Applies the merged spec to CloudFront and stores it on the record.
pub async fn apply(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: UpdateDistributionInput = parse(input)?;
    validate_patch(&input.patch).map_err(|p| invalid(p.to_string()))?;
    // The claim makes this the only change in flight, so merging onto what was read is safe.
    let record = claimed(deps, ctx, &input.distribution_id).await?;
    let spec = record.spec.merged(&input.patch);
    validate_create(&spec).map_err(|p| invalid(p.to_string()))?;
    check_certificate(deps, ctx, &spec).await?;
    let (_, target) = origin_target(deps, record.origin_id()).await?;
    let id = record
        .cloudfront_id
        .clone()
        .ok_or_else(|| TaskError::new(ErrorName::Conflict, "the distribution has no CloudFront id"))?;
    let mut build_error = None;
    deps.cloudfront
        .update_distribution(&id, |live| match build_config(&spec, &target, &live.caller_reference) {
            Ok(desired) => apply_managed(live, desired),
            Err(err) => build_error = Some(err),
        })
        .await?;
    if let Some(err) = build_error {
        return Err(TaskError::new(ErrorName::Internal, err.to_string()));
    }
    deps.store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
            r.check_claim(&ctx.execution).map_err(busy)?;
            r.spec = spec.clone();
            r.cloudfront_status = Some("InProgress".into());
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none())
}

/// Marks the change deployed and announces it.
pub async fn finalize(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: UpdateDistributionInput = parse(input)?;
    deps.store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
            if r.finish(&ctx.execution, DistributionStatus::Deployed).map_err(busy)? {
                r.cloudfront_status = Some("Deployed".into());
                r.last_error = None;
                r.drift.clear();
            }
            Ok(())
        })
        .await?;
    let updated =
        DistributionUpdated { distribution_id: input.distribution_id.clone(), changed: input.patch.set_fields() };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &updated)))
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: UpdateDistributionInput,
    failure: CaughtFailure,
}

/// Records the failure; the status follows what CloudFront has.
pub async fn record_failure(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure } = parse(input)?;
    record_failed_change(deps, ctx, &input.distribution_id, &failure).await?;
    let failed = DistributionUpdateFailed {
        distribution_id: input.distribution_id.clone(),
        error: failure.error,
        cause: failure.cause,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
