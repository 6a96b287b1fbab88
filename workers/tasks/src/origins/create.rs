//! `create-origin`: validate → (S3) create bucket → configure it → create the OAC → finalize; a
//! custom origin goes from validation straight to finalize (there is nothing to make). On any
//! failure compensate (remove what this execution made), then record the failure. Every task
//! checks that its execution still holds the origin's claim, so a late delivery changes nothing.

use cfm_domain::origin::{OriginKind, OriginRecord, OriginStatus, S3Bucket};
use cfm_domain::record::Claimed;
use cfm_domain::values::OacId;
use cfm_events::origin::{CreateOriginInput, OriginCreateFailed, OriginCreated};
use cfm_ports::buckets::{BucketCreation, BucketDeletion, BucketOwner, BucketRef, Emptying};
use cfm_ports::cdn::OacDeletion;
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::json;
use tracing::info;

use super::{not_owned, oac_name};
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;

/// The bucket of an S3 origin's input; the bucket steps never run for a custom origin.
fn s3(input: &CreateOriginInput) -> TaskResult<(&S3Bucket, BucketRef)> {
    let bucket = input
        .spec
        .kind
        .bucket()
        .ok_or_else(|| TaskError::Refused(format!("{} is not an S3 origin", input.origin_id)))?;
    Ok((bucket, BucketRef::of(bucket)))
}

/// Checks that this execution creates the record and, for an S3 origin, that the bucket name is
/// free (or already this origin's, after a redelivery).
pub async fn validate(cx: &Cx<'_>, input: CreateOriginInput) -> TaskResult<TaskOutput> {
    let record: OriginRecord = cx.claimed(input.origin_id.as_str()).await?;
    if record.status != OriginStatus::Creating {
        return Err(TaskError::Conflict(format!("origin {} is {}, not being created", record.id, record.status)));
    }
    let Some(bucket) = input.spec.kind.bucket() else { return Ok(TaskOutput::none()) };
    match cx.ports.buckets.owner(&BucketRef::of(bucket)).await? {
        BucketOwner::Missing => Ok(TaskOutput::none()),
        owner if owner.is(&input.origin_id) => Ok(TaskOutput::none()),
        _ => Err(TaskError::BucketTaken(format!(
            "bucket '{}' already exists and was not made for this origin",
            bucket.bucket_name
        ))),
    }
}

/// Creates the bucket in its region, tagged with the origin id; a bucket that already exists
/// without this origin's tag is never adopted.
pub async fn create_bucket(cx: &Cx<'_>, input: CreateOriginInput) -> TaskResult<TaskOutput> {
    cx.claimed::<OriginRecord>(input.origin_id.as_str()).await?;
    let (_, bucket) = s3(&input)?;
    if cx.ports.buckets.create(&bucket, &input.origin_id).await? == BucketCreation::TakenElsewhere {
        return Err(TaskError::BucketTaken(format!("bucket '{}' belongs to another AWS account", bucket.name)));
    }
    if !cx.ports.buckets.owner(&bucket).await?.is(&input.origin_id) {
        return Err(not_owned(&bucket, &input.origin_id));
    }
    Ok(TaskOutput::none())
}

/// Blocks public access and applies the optional CORS and website settings.
pub async fn configure_bucket(cx: &Cx<'_>, input: CreateOriginInput) -> TaskResult<TaskOutput> {
    cx.claimed::<OriginRecord>(input.origin_id.as_str()).await?;
    let (settings, bucket) = s3(&input)?;
    let buckets = &cx.ports.buckets;
    if !buckets.owner(&bucket).await?.is(&input.origin_id) {
        return Err(not_owned(&bucket, &input.origin_id));
    }
    buckets.block_public_access(&bucket).await?;
    if let Some(rules) = &settings.cors {
        buckets.set_cors(&bucket, Some(rules)).await?;
    }
    if let Some(website) = &settings.website {
        buckets.set_website(&bucket, Some(website)).await?;
    }
    Ok(TaskOutput::none())
}

/// Creates the origin's OAC (or finds the one a previous delivery made).
pub async fn create_oac(cx: &Cx<'_>, input: CreateOriginInput) -> TaskResult<TaskOutput> {
    cx.claimed::<OriginRecord>(input.origin_id.as_str()).await?;
    let description = format!("cfm origin {} (bucket {})", input.origin_id, s3(&input)?.0.bucket_name);
    let oac_id = cx.ports.cdn.ensure_oac(&oac_name(&input.origin_id), &description).await?;
    Ok(TaskOutput::value(json!({ "oacId": oac_id })))
}

/// The OAC at `$.oac`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Oac {
    oac_id: OacId,
}

/// `create-origin`'s input with the OAC (an S3 origin's).
#[derive(Deserialize)]
pub struct WithOac {
    #[serde(flatten)]
    input: CreateOriginInput,
    #[serde(default)]
    oac: Option<Oac>,
}

/// Marks the origin active, ends the claim and announces it.
pub async fn finalize(cx: &Cx<'_>, WithOac { input, oac }: WithOac) -> TaskResult<TaskOutput> {
    let execution = cx.execution().as_str();
    let oac_id = oac.map(|o| o.oac_id);
    if input.spec.kind.bucket().is_some() && oac_id.is_none() {
        return Err(TaskError::Internal(format!("S3 origin {} reached finalize without its OAC", input.origin_id)));
    }
    let record = cx
        .records()
        .update::<OriginRecord, TaskError>(input.origin_id.as_str(), cx.now(), |r| {
            if r.finish(execution, OriginStatus::Active)? {
                r.oac_id = oac_id.clone();
            }
            Ok(())
        })
        .await?;
    let created = OriginCreated {
        origin_id: record.id.clone(),
        name: record.name.clone(),
        origin_type: record.kind.origin_type(),
        bucket_name: record.kind.bucket().map(|b| b.bucket_name.clone()),
        region: record.kind.bucket().map(|b| b.region.clone()),
        oac_id,
        domain_name: match &record.kind {
            OriginKind::Custom(custom) => Some(custom.domain_name.clone()),
            OriginKind::S3(_) => None,
        },
    };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &created)))
}

/// Removes what this execution made: only a bucket tagged with this origin id, and this
/// origin's OAC. Its own failure is caught and recorded by the next state.
pub async fn compensate(cx: &Cx<'_>, Failed { input, .. }: Failed<CreateOriginInput>) -> TaskResult<TaskOutput> {
    let Some(record) = cx.records().get::<OriginRecord>(input.origin_id.as_str()).await? else {
        return Ok(TaskOutput::none());
    };
    if !record.is_mine(cx.execution().as_str()) {
        return Ok(TaskOutput::none());
    }
    let Ok((_, bucket)) = s3(&input) else { return Ok(TaskOutput::none()) };
    let buckets = &cx.ports.buckets;
    if buckets.owner(&bucket).await?.is(&input.origin_id) {
        if let Emptying::Stuck { count, examples } = buckets.empty(&bucket).await? {
            return Err(TaskError::BucketNotEmpty(format!(
                "{count} objects could not be deleted, e.g. {}",
                examples.join(", ")
            )));
        }
        if buckets.delete(&bucket).await? == BucketDeletion::NotEmpty {
            return Err(TaskError::NotYet(format!("bucket '{}' is not empty yet", bucket.name)));
        }
        info!(bucket = %bucket.name, "removed the bucket this execution created");
    }
    if let Some(id) = cx.ports.cdn.find_oac(&oac_name(&input.origin_id)).await? {
        if cx.ports.cdn.delete_oac(&id).await? == OacDeletion::InUse {
            return Err(TaskError::Conflict(format!("OAC {id} is used by a distribution")));
        }
        info!(oac = %id, "removed the OAC this execution created");
    }
    Ok(TaskOutput::none())
}

/// Records the origin as failed with the cause (and what compensation could not remove), ends
/// the claim, frees the bucket name once the bucket is gone, and announces it.
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<CreateOriginInput>) -> TaskResult<TaskOutput> {
    let (failure, input) =
        (failed.after_cleanup("delete the origin with emptyBucket=true to remove what is left"), &failed.input);
    cx.settle_failed::<OriginRecord>(input.origin_id.as_str(), OriginStatus::Failed, &failure, |r| r.oac_id = None)
        .await?;
    let bucket_name = input.spec.kind.bucket().map(|b| b.bucket_name.clone());
    if let Some(name) = bucket_name.as_ref().filter(|_| failed.cleaned_up()) {
        cx.ports.store.release_bucket(name, &input.origin_id).await?;
    }
    let event = OriginCreateFailed { origin_id: input.origin_id.clone(), bucket_name, failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
