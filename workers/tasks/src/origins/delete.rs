//! `delete-origin`: the API claimed the origin (refused while distributions use it) → check →
//! delete an S3 origin's bucket (only one tagged for this origin; optionally emptied) and its
//! OAC → delete the record. A custom origin has nothing to remove but its record. A failure
//! records why and ends the claim. History is kept.

use cfm_domain::origin::OriginRecord;
use cfm_domain::record::{Claimed, Record};
use cfm_domain::values::BucketName;
use cfm_events::origin::{DeleteOriginInput, OriginDeleteFailed, OriginDeleted};
use cfm_ports::buckets::{BucketDeletion, BucketOwner, BucketRef, Emptying};
use cfm_ports::cdn::OacDeletion;
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::json;

use super::{not_owned, oac_name};
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;

/// Refuses while a distribution uses the origin (the claim keeps new ones away).
pub async fn check_unused(cx: &Cx<'_>, input: DeleteOriginInput) -> TaskResult<TaskOutput> {
    let record: OriginRecord = cx.claimed(input.origin_id.as_str()).await?;
    if !record.distributions.is_empty() {
        let used: Vec<&str> = record.distributions.iter().map(|d| d.as_str()).collect();
        return Err(TaskError::OriginInUse(format!(
            "origin {} is used by distributions {}",
            record.id,
            used.join(", ")
        )));
    }
    Ok(TaskOutput::none())
}

/// Empties (when asked) and deletes the bucket, only if it carries this origin's tag, then
/// the OAC.
pub async fn delete_resources(cx: &Cx<'_>, input: DeleteOriginInput) -> TaskResult<TaskOutput> {
    let record: OriginRecord = cx.claimed(input.origin_id.as_str()).await?;
    let Some(bucket) = BucketRef::of_origin(&record) else {
        return Ok(TaskOutput::value(json!({ "bucketEmptied": false, "objectsDeleted": 0 })));
    };
    let buckets = &cx.ports.buckets;
    let mut objects = 0;
    match buckets.owner(&bucket).await? {
        BucketOwner::Missing => {}
        owner if owner.is(&record.id) => {
            if input.empty_bucket {
                match buckets.empty(&bucket).await? {
                    Emptying::Emptied(n) => objects = n,
                    Emptying::Stuck { count, examples } => {
                        return Err(TaskError::BucketNotEmpty(format!(
                            "bucket '{}': {count} objects could not be deleted, e.g. {}; remove the lock or hold and delete again",
                            bucket.name,
                            examples.join(", ")
                        )));
                    }
                }
            }
            if buckets.delete(&bucket).await? == BucketDeletion::NotEmpty {
                return Err(TaskError::BucketNotEmpty(format!(
                    "bucket '{}' is not empty; delete again with emptyBucket=true to remove its objects",
                    bucket.name
                )));
            }
        }
        _ => return Err(not_owned(&bucket, &record.id)),
    }
    let oac = match &record.oac_id {
        Some(id) => Some(id.clone()),
        None => cx.ports.cdn.find_oac(&oac_name(&record.id)).await?,
    };
    if let Some(oac) = oac
        && cx.ports.cdn.delete_oac(&oac).await? == OacDeletion::InUse
    {
        return Err(TaskError::Conflict(format!("OAC {oac} is still used by a distribution")));
    }
    Ok(TaskOutput::value(json!({
        "bucketName": bucket.name,
        "bucketEmptied": input.empty_bucket,
        "objectsDeleted": objects,
    })))
}

/// What `DeleteOriginResources` removed.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    #[serde(default)]
    bucket_name: Option<BucketName>,
    bucket_emptied: bool,
}

/// `delete-origin`'s input with what was removed.
#[derive(Deserialize)]
pub struct WithDeleted {
    #[serde(flatten)]
    input: DeleteOriginInput,
    deleted: Deleted,
}

/// Deletes the record and the bucket-name claim, and announces it.
pub async fn finalize(cx: &Cx<'_>, WithDeleted { input, deleted }: WithDeleted) -> TaskResult<TaskOutput> {
    if let Some(record) = cx.records().get::<OriginRecord>(input.origin_id.as_str()).await?
        && record.claimed_by(cx.execution().as_str())
    {
        let bucket = record.kind.bucket().map(|b| (&b.bucket_name, &record.id));
        cx.ports.store.delete(<OriginRecord as Record>::KIND, record.id.as_str(), bucket).await?;
    }
    let data = OriginDeleted {
        origin_id: input.origin_id.clone(),
        bucket_name: deleted.bucket_name,
        bucket_emptied: deleted.bucket_emptied,
    };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &data)))
}

/// Records the failure and ends the claim, with the status the origin's resources show.
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<DeleteOriginInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    let execution = cx.execution().as_str();
    if let Some(record) = cx.records().get::<OriginRecord>(input.origin_id.as_str()).await? {
        let exists = match BucketRef::of_origin(&record) {
            Some(bucket) => cx.ports.buckets.owner(&bucket).await.ok().map(|o| o != BucketOwner::Missing),
            None => Some(true),
        };
        cx.records()
            .update::<OriginRecord, TaskError>(input.origin_id.as_str(), cx.now(), |r| {
                let status = r.after_failed_delete(exists);
                r.settle_failed(execution, status, &failure);
                Ok(())
            })
            .await?;
    }
    let event = OriginDeleteFailed { origin_id: input.origin_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
