//! `update-origin`: apply name, CORS and website changes, or record why not. The API claimed
//! the origin for this execution; both tasks end the claim.

use cfm_aws::TaskError;
use cfm_core::origin::validate_patch;
use cfm_core::origin_record::{OriginRecord, OriginStatus, RecordedError};
use cfm_events::origin::{CaughtFailure, OriginUpdateFailed, OriginUpdated, UpdateOriginInput};
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::Value;

use super::bucket_of;
use crate::Deps;
use crate::input::{busy, event, now, parse};

/// Applies the patch to the bucket, then to the record, and announces it. Both steps are
/// idempotent, so a redelivery converges on the same state.
pub async fn update(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: UpdateOriginInput = parse(input)?;
    let patch = &input.patch;
    validate_patch(patch).map_err(|p| TaskError::new(ErrorName::Validation, p.to_string()))?;
    let record: OriginRecord = deps.store.require(&input.origin_id).await?;
    // Done already: a delivery that applied everything died before answering.
    let done = record.finished_by(&ctx.execution).map_err(busy)?;
    let updated = OriginUpdated { origin_id: input.origin_id.clone(), changed: patch.changed_fields() };
    if done {
        return Ok(TaskOutput::none().with_event(event(ctx, &input.request, &updated)));
    }
    let bucket = bucket_of(deps, &record);
    bucket.require_owner(&record.id).await?;
    if let Some(cors) = &patch.cors {
        bucket.set_cors(cors.as_deref()).await?;
    }
    if let Some(website) = &patch.website {
        bucket.set_website(website.as_ref()).await?;
    }
    deps.store
        .update::<OriginRecord, _>(&input.origin_id, &now(), |r| {
            if !r.finish(&ctx.execution, OriginStatus::Active).map_err(busy)? {
                return Ok(());
            }
            if let Some(name) = &patch.name {
                r.name = name.clone();
            }
            if let Some(cors) = &patch.cors {
                r.cors = cors.clone();
            }
            if let Some(website) = &patch.website {
                r.website = website.clone();
            }
            r.last_error = None;
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &updated)))
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: UpdateOriginInput,
    failure: CaughtFailure,
}

/// Records why the update failed, makes the origin active again and announces it.
pub async fn record_failure(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure } = parse(input)?;
    let recorded = RecordedError { error: failure.error.clone(), cause: failure.cause.clone() };
    match deps
        .store
        .update::<OriginRecord, _>(&input.origin_id, &now(), |r| {
            if r.settle(&ctx.execution, OriginStatus::Active) {
                r.last_error = Some(recorded.clone());
            }
            Ok(())
        })
        .await
    {
        Ok(_) => {}
        Err(err) if err.name == ErrorName::NotFound => {}
        Err(err) => return Err(err),
    }
    let failed = OriginUpdateFailed { origin_id: input.origin_id.clone(), error: failure.error, cause: failure.cause };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
