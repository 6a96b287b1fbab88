//! `delete-origin`: refuse while distributions use it → delete bucket (optionally emptied) and
//! OAC → delete the record and announce it. History is kept.

use cfm_aws::TaskError;
use cfm_aws::s3::BucketOwner;
use cfm_core::origin_record::{OriginRecord, OriginStatus, RecordedError};
use cfm_events::origin::{CaughtFailure, DeleteOriginInput, OriginDeleteFailed, OriginDeleted};
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::{Value, json};

use super::bucket_of;
use crate::Deps;
use crate::input::{event, now, parse};

/// Marks the origin as deleting, unless a distribution uses it.
pub async fn check_unused(deps: &Deps, input: Value) -> Result<TaskOutput, TaskError> {
    let input: DeleteOriginInput = parse(input)?;
    deps.store
        .update::<OriginRecord, _>(&input.origin_id, &now(), |r| {
            if !r.distributions.is_empty() {
                return Err(TaskError::new(
                    ErrorName::OriginInUse,
                    format!("origin {} is used by distributions {}", r.id, r.distributions.join(", ")),
                ));
            }
            match r.status {
                OriginStatus::Active | OriginStatus::DeleteFailed | OriginStatus::Failed | OriginStatus::Deleting => {
                    r.status = OriginStatus::Deleting;
                    Ok(())
                }
                OriginStatus::Creating => {
                    Err(TaskError::new(ErrorName::Conflict, format!("origin {} is still being created", r.id)))
                }
            }
        })
        .await?;
    Ok(TaskOutput::none())
}

/// Empties (when asked) and deletes the bucket, then the OAC.
pub async fn delete_resources(deps: &Deps, input: Value) -> Result<TaskOutput, TaskError> {
    let input: DeleteOriginInput = parse(input)?;
    let record = deps.store.require::<OriginRecord>(&input.origin_id).await?;
    let bucket = bucket_of(deps, &record);
    let mut objects = 0;
    if bucket.owner().await? != BucketOwner::Missing {
        if input.empty_bucket {
            objects = bucket.empty().await?;
        }
        bucket.delete().await?;
    }
    if let Some(oac) = &record.oac_id {
        deps.cloudfront.delete_oac(oac).await?;
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
    if let Some(record) = deps.store.get::<OriginRecord>(&input.origin_id).await? {
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

/// Records the failure. The origin is active again if its bucket still exists (nothing was
/// removed), otherwise `DELETE_FAILED` so a second delete can finish the job.
pub async fn record_failure(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure } = parse(input)?;
    if let Some(record) = deps.store.get::<OriginRecord>(&input.origin_id).await? {
        let bucket_exists = bucket_of(deps, &record).owner().await? != BucketOwner::Missing;
        let recorded = RecordedError { error: failure.error.clone(), cause: failure.cause.clone() };
        deps.store
            .update::<OriginRecord, _>(&input.origin_id, &now(), |r| {
                if r.status == OriginStatus::Deleting {
                    r.status = if bucket_exists { OriginStatus::Active } else { OriginStatus::DeleteFailed };
                }
                r.last_error = Some(recorded.clone());
                Ok(())
            })
            .await?;
    }
    let failed = OriginDeleteFailed { origin_id: input.origin_id.clone(), error: failure.error, cause: failure.cause };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
