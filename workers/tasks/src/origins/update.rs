//! `update-origin`: apply name, CORS and website changes (S3) or connection settings (custom:
//! the new header values were staged on the record by the API, and every distribution using
//! the origin gets the new settings), or record why not. The API
//! claimed the origin for this execution; both tasks end the claim.

use cfm_domain::distribution::{CdnOrigin, DistributionRecord};
use cfm_domain::origin::{OriginRecord, OriginStatus};
use cfm_domain::record::Claimed;
use cfm_events::origin::{OriginUpdateFailed, OriginUpdated, UpdateOriginInput};
use cfm_ports::buckets::BucketRef;
use cfm_ports::cdn::CdnChange;
use cfm_runtime::TaskOutput;

use super::not_owned;
use crate::cx::Cx;
use crate::distributions::applied;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;

/// Applies the patch to the bucket, then to the record, then (a custom origin) to the
/// distributions that use it, and announces it. The record goes first so that whatever reads
/// it from then on builds with the new settings. A delivery that finds the record done (its
/// first run died before answering) pushes again and answers the same.
pub async fn update(cx: &Cx<'_>, input: UpdateOriginInput) -> TaskResult<TaskOutput> {
    let execution = cx.execution().as_str();
    let record: OriginRecord = cx.require(input.origin_id.as_str()).await?;
    let updated = OriginUpdated { origin_id: input.origin_id.clone(), changed: input.patch.changed_fields() };
    if record.finished_by(execution)? {
        push_to_distributions(cx, &record, &input).await?;
        return Ok(TaskOutput::none().with_event(cx.event(&input.request, &updated)));
    }
    if let Some(bucket) = BucketRef::of_origin(&record) {
        let buckets = &cx.ports.buckets;
        if !buckets.owner(&bucket).await?.is(&record.id) {
            return Err(not_owned(&bucket, &record.id));
        }
        if let Some(cors) = &input.patch.cors {
            buckets.set_cors(&bucket, cors.as_deref()).await?;
        }
        if let Some(website) = &input.patch.website {
            buckets.set_website(&bucket, website.as_ref()).await?;
        }
    }
    let record = cx
        .records()
        .update::<OriginRecord, TaskError>(input.origin_id.as_str(), cx.now(), |r| {
            if r.finish(execution, OriginStatus::Active)? {
                r.apply(&input.patch);
                r.meta.last_error = None;
            }
            Ok(())
        })
        .await?;
    push_to_distributions(cx, &record, &input).await?;
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &updated)))
}

/// A custom origin's settings, as recorded, reach every distribution that uses it. Nothing to
/// do for an S3 origin: its bucket changes in place. If one distribution cannot take them the
/// task fails with the record already changed; running the update again pushes again.
async fn push_to_distributions(cx: &Cx<'_>, record: &OriginRecord, input: &UpdateOriginInput) -> TaskResult<()> {
    if record.kind.bucket().is_some() || input.patch.custom.is_empty() {
        return Ok(());
    }
    let origin = CdnChange::Origin(Box::new(CdnOrigin::of(record)?));
    for id in &record.distributions {
        let Some(distribution) = cx.records().get::<DistributionRecord>(id.as_str()).await? else { continue };
        if let Some(cloudfront) = distribution.cloudfront_id() {
            applied(cx.ports.cdn.update_distribution(cloudfront, &origin).await?, cloudfront)?;
        }
    }
    Ok(())
}

/// Records why the update failed, drops the staged headers, makes the origin active again and
/// announces it.
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<UpdateOriginInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    cx.settle_failed::<OriginRecord>(input.origin_id.as_str(), OriginStatus::Active, &failure, |r| {
        r.staged_headers = None;
    })
    .await?;
    let event = OriginUpdateFailed { origin_id: input.origin_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
