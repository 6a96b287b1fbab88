//! `delete-origin`: the API claimed the origin (refused while distributions use it) → check →
//! delete the bucket (only one tagged for this origin; optionally emptied) and the OAC → delete
//! the record. A failure records why and ends the claim. History is kept.

use cfm_aws::TaskError;
use cfm_core::origin_record::{OriginRecord, OriginStatus, RecordedError};
use cfm_events::origin::{CaughtFailure, DeleteOriginInput, OriginDeleteFailed, OriginDeleted};
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{bucket_of, claimed};
use crate::Deps;
use crate::input::{event, now, parse};

/// Refuses while a distribution uses the origin (the claim keeps new ones away).
pub async fn check_unused(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: DeleteOriginInput = parse(input)?;
    let record = claimed(deps, ctx, &input.origin_id).await?;
    if !record.distributions.is_empty() {
        return Err(TaskError::new(
            ErrorName::OriginInUse,
            format!("origin {} is used by distributions {}", record.id, record.distributions.join(", ")),
        ));
    }
    Ok(TaskOutput::none())
}

/// Empties (when asked) and deletes the bucket, only if it carries this origin's tag, then
/// the OAC.
pub async fn delete_resources(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: DeleteOriginInput = parse(input)?;
    let record = claimed(deps, ctx, &input.origin_id).await?;
    let bucket = bucket_of(deps, &record);
    let mut objects = 0;
    if bucket.require_owner(&record.id).await? {
        if input.empty_bucket {
            objects = bucket.empty().await?;
        }
        bucket.delete().await?;
    }
    let oac = match &record.oac_id {
        Some(id) => Some(id.clone()),
        None => deps.cloudfront.find_oac(&cfm_aws::cloudfront::oac_name(&record.id)).await?,
    };
    if let Some(oac) = oac {
        deps.cloudfront.delete_oac(&oac).await?;
    }
    Ok(TaskOutput::value(json!({
        "bucketName": record.bucket_name,
        "bucketEmptied": input.empty_bucket,
        "objectsDeleted": objects,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Deleted {
    bucket_name: String,
    bucket_emptied: bool,
}

#[derive(Deserialize)]
struct WithDeleted {
    #[serde(flatten)]
    input: DeleteOriginInput,
    deleted: Deleted,
}

/// Deletes the record and the bucket-name claim, and announces it.
pub async fn finalize(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithDeleted { input, deleted } = parse(input)?;
    if let Some(record) = deps.store.get::<OriginRecord>(&input.origin_id).await?
        && record.claimed_by(&ctx.execution)
    {
        deps.store.delete_origin(&record).await?;
    }
    let data = OriginDeleted {
        origin_id: input.origin_id.clone(),
        bucket_name: deleted.bucket_name,
        bucket_emptied: deleted.bucket_emptied,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &data)))
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: DeleteOriginInput,
    failure: CaughtFailure,
}

/// Records the failure and ends the claim, with the status the origin's resources show: active
/// again if its bucket and OAC are still there (nothing was removed), `FAILED` if it never got
/// an OAC, otherwise `DELETE_FAILED` so a second delete can finish. If the bucket cannot even be
/// checked, `DELETE_FAILED` too: deleting again is always safe.
pub async fn record_failure(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure } = parse(input)?;
    if let Some(record) = deps.store.get::<OriginRecord>(&input.origin_id).await? {
        let bucket_exists =
            bucket_of(deps, &record).owner().await.is_ok_and(|o| o != cfm_aws::s3::BucketOwner::Missing);
        let recorded = RecordedError { error: failure.error.clone(), cause: failure.cause.clone() };
        deps.store
            .update::<OriginRecord, _>(&input.origin_id, &now(), |r| {
                let status = match (bucket_exists, r.oac_id.is_some()) {
                    (true, true) => OriginStatus::Active,
                    (true, false) => OriginStatus::Failed,
                    (false, _) => OriginStatus::DeleteFailed,
                };
                if r.settle(&ctx.execution, status) {
                    r.last_error = Some(recorded.clone());
                }
                Ok(())
            })
            .await?;
    }
    let failed = OriginDeleteFailed { origin_id: input.origin_id.clone(), error: failure.error, cause: failure.cause };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
