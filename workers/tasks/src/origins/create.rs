//! `create-origin`: validate → create bucket → configure it → create the OAC → finalize; on any
//! failure compensate (remove what this execution made), then record the failure.
//!
//! Every task checks that its execution still holds the origin's claim, so a late delivery
//! changes nothing.

use cfm_aws::TaskError;
use cfm_aws::s3::{BucketOwner, OriginBucket};
use cfm_core::origin::validate_spec;
use cfm_core::origin_record::{OriginRecord, OriginStatus, RecordedError};
use cfm_events::origin::{CaughtFailure, CreateOriginInput, OriginCreateFailed, OriginCreated};
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::{Value, json};
use tracing::info;

use super::claimed;
use crate::Deps;
use crate::input::{busy, event, now, parse};

fn bucket(deps: &Deps, input: &CreateOriginInput) -> OriginBucket {
    OriginBucket::new(&deps.aws, &input.spec.bucket_name, &input.spec.region)
}

/// Re-checks the spec, that this execution creates the record, and that the bucket name is
/// free (or already this origin's, after a redelivery).
pub async fn validate(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateOriginInput = parse(input)?;
    validate_spec(&input.spec).map_err(|p| TaskError::new(ErrorName::Validation, p.to_string()))?;
    let record = claimed(deps, ctx, &input.origin_id).await?;
    if record.status != OriginStatus::Creating {
        return Err(TaskError::new(
            ErrorName::Conflict,
            format!("origin {} is {}, not being created", record.id, record.status.as_str()),
        ));
    }
    match bucket(deps, &input).owner().await? {
        BucketOwner::Missing => Ok(TaskOutput::none()),
        BucketOwner::Origin(id) if id == input.origin_id => Ok(TaskOutput::none()),
        _ => Err(TaskError::new(
            ErrorName::BucketAlreadyExists,
            format!("bucket '{}' already exists and was not made for this origin", input.spec.bucket_name),
        )),
    }
}

/// Creates the bucket in its region, tagged with the origin id.
pub async fn create_bucket(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateOriginInput = parse(input)?;
    claimed(deps, ctx, &input.origin_id).await?;
    bucket(deps, &input).create(&input.origin_id).await?;
    Ok(TaskOutput::none())
}

/// Blocks public access and applies the optional CORS and website settings.
pub async fn configure_bucket(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateOriginInput = parse(input)?;
    claimed(deps, ctx, &input.origin_id).await?;
    let bucket = bucket(deps, &input);
    bucket.require_owner(&input.origin_id).await?;
    bucket.block_public_access().await?;
    if let Some(rules) = &input.spec.cors {
        bucket.set_cors(Some(rules)).await?;
    }
    if let Some(website) = &input.spec.website {
        bucket.set_website(Some(website)).await?;
    }
    Ok(TaskOutput::none())
}

/// Creates the origin's OAC (or finds the one a previous delivery made).
pub async fn create_oac(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateOriginInput = parse(input)?;
    claimed(deps, ctx, &input.origin_id).await?;
    let oac_id = deps.cloudfront.ensure_oac(&input.origin_id, &input.spec.bucket_name).await?;
    Ok(TaskOutput::value(json!({ "oacId": oac_id })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Oac {
    oac_id: String,
}

#[derive(Deserialize)]
struct WithOac {
    #[serde(flatten)]
    input: CreateOriginInput,
    oac: Oac,
}

/// Marks the origin active, ends the claim and announces it.
pub async fn finalize(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithOac { input, oac } = parse(input)?;
    let record = deps
        .store
        .update::<OriginRecord, _>(&input.origin_id, &now(), |r| {
            if r.finish(&ctx.execution, OriginStatus::Active).map_err(busy)? {
                r.oac_id = Some(oac.oac_id.clone());
            }
            Ok(())
        })
        .await?;
    let created = OriginCreated {
        origin_id: record.id,
        name: record.name,
        bucket_name: record.bucket_name,
        region: record.region,
        oac_id: oac.oac_id,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &created)))
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: CreateOriginInput,
    failure: CaughtFailure,
    /// Set when compensation itself failed.
    #[serde(default, rename = "cleanupFailure")]
    cleanup_failure: Option<CaughtFailure>,
}

/// Removes what this execution made: only a bucket tagged with this origin id, and this
/// origin's OAC. Its own failure is caught and recorded by the next state.
pub async fn compensate(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, .. } = parse(input)?;
    let Some(record) = deps.store.get::<OriginRecord>(&input.origin_id).await? else { return Ok(TaskOutput::none()) };
    if !record.is_mine(&ctx.execution) {
        return Ok(TaskOutput::none());
    }
    let bucket = bucket(deps, &input);
    if bucket.owner().await? == BucketOwner::Origin(input.origin_id.clone()) {
        let objects = bucket.empty().await?;
        bucket.delete().await?;
        info!(bucket = bucket.name(), objects, "removed the bucket this execution created");
    }
    let oac_name = cfm_aws::cloudfront::oac_name(&input.origin_id);
    if let Some(id) = deps.cloudfront.find_oac(&oac_name).await? {
        deps.cloudfront.delete_oac(&id).await?;
        info!(oac = id, "removed the OAC this execution created");
    }
    Ok(TaskOutput::none())
}

/// Records the origin as failed with the cause (and what compensation could not remove), ends
/// the claim, frees the bucket name once the bucket is gone, and announces it.
pub async fn record_failure(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure, cleanup_failure } = parse(input)?;
    let mut cause = failure.cause.clone();
    if let Some(cleanup) = &cleanup_failure {
        cause.push_str(&format!(
            "; cleanup failed ({}: {}): delete the origin with emptyBucket=true to remove what is left",
            cleanup.error, cleanup.cause
        ));
    }
    let recorded = RecordedError { error: failure.error.clone(), cause: cause.clone() };
    let update = deps
        .store
        .update::<OriginRecord, _>(&input.origin_id, &now(), |r| {
            if r.settle(&ctx.execution, OriginStatus::Failed) {
                r.oac_id = None;
                r.last_error = Some(recorded.clone());
            }
            Ok(())
        })
        .await;
    match update {
        Ok(_) => {}
        Err(err) if err.name == ErrorName::NotFound => {}
        Err(err) => return Err(err),
    }
    if cleanup_failure.is_none() {
        deps.store.release_claim(&input.spec.bucket_name, &input.origin_id).await?;
    }
    let failed = OriginCreateFailed {
        origin_id: input.origin_id.clone(),
        bucket_name: input.spec.bucket_name.clone(),
        error: failure.error,
        cause,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
