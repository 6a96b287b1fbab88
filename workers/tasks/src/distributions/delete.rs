//! `delete-distribution`: the API claimed the record for this execution; disable → wait until
//! Deployed → delete with a fresh ETag → remove the bucket grant and origin reference → delete
//! the record (history stays). A failure records why and ends the claim.

use cfm_aws::TaskError;
use cfm_core::distribution_record::DistributionRecord;
use cfm_events::TaskContext;
use cfm_events::distribution::{DistributionDeleteFailed, DistributionDeleted, DistributionInput};
use cfm_events::origin::CaughtFailure;
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::Value;

use super::{claimed, record_failed_change, revoke_origin_access};
use crate::Deps;
use crate::input::{busy, event, parse};

/// Disables the distribution (a no-op if already disabled).
pub async fn disable(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: DistributionInput = parse(input)?;
    let record = claimed(deps, ctx, &input.distribution_id).await?;
    if let Some(id) = &record.cloudfront_id {
        deps.cloudfront.update_distribution(id, |config| config.enabled = false).await?;
    }
    Ok(TaskOutput::none())
}

/// Deletes the distribution, its grant, its origin reference and its record.
pub async fn delete(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: DistributionInput = parse(input)?;
    let mut cloudfront_id = String::new();
    if let Some(record) = deps.store.get::<DistributionRecord>(&input.distribution_id).await? {
        record.check_claim(&ctx.execution).map_err(busy)?;
        if let Some(id) = &record.cloudfront_id {
            deps.cloudfront.delete_distribution(id).await?;
            cloudfront_id = id.clone();
        }
        revoke_origin_access(deps, record.origin_id(), &record.id).await?;
        deps.store.delete::<DistributionRecord>(&record.id).await?;
    }
    let deleted = DistributionDeleted { distribution_id: input.distribution_id.clone(), cloudfront_id };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &deleted)))
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: DistributionInput,
    failure: CaughtFailure,
}

/// Records the failure; the status follows what CloudFront has, so a second delete can finish.
pub async fn record_failure(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure } = parse(input)?;
    record_failed_change(deps, ctx, &input.distribution_id, &failure).await?;
    let failed = DistributionDeleteFailed {
        distribution_id: input.distribution_id.clone(),
        error: failure.error,
        cause: failure.cause,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
