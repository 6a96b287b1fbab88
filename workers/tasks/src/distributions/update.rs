//! `update-distribution`: the API claimed the record for this execution; merge the patch into
//! the stored spec, apply it to CloudFront with If-Match (re-reading on 412), wait until
//! Deployed, record, end the claim and announce.

use cfm_domain::distribution::{CdnConfig, DeployStatus, DistributionRecord, DistributionStatus};
use cfm_domain::record::Claimed;
use cfm_events::distribution::{DistributionUpdateFailed, DistributionUpdated, UpdateDistributionInput};
use cfm_ports::cdn::CdnChange;
use cfm_runtime::TaskOutput;

use super::access::{check_certificate, origin_target};
use super::{applied, cloudfront_id, record_failed_change};
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;

/// Applies the merged spec to CloudFront and stores it on the record.
pub async fn apply(cx: &Cx<'_>, input: UpdateDistributionInput) -> TaskResult<TaskOutput> {
    // The claim makes this the only change in flight, so merging onto what was read is safe.
    let record: DistributionRecord = cx.claimed(input.distribution_id.as_str()).await?;
    let spec = record.spec.changed(&input.patch).map_err(TaskError::Invalid)?;
    check_certificate(cx, &spec).await?;
    let target = origin_target(cx, &spec.origin_id).await?;
    let id = cloudfront_id(&record)?;
    let desired = CdnChange::Settings(Box::new(CdnConfig::desired(&spec, &target)));
    applied(cx.ports.cdn.update_distribution(&id, &desired).await?, &id)?;
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(input.distribution_id.as_str(), cx.now(), |r| {
            r.check_claim(execution)?;
            r.spec = spec.clone();
            r.cloudfront_status = Some(DeployStatus::InProgress);
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none())
}

/// Marks the change deployed, ends the claim and announces it.
pub async fn finalize(cx: &Cx<'_>, input: UpdateDistributionInput) -> TaskResult<TaskOutput> {
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(input.distribution_id.as_str(), cx.now(), |r| {
            if r.finish(execution, DistributionStatus::Deployed)? {
                r.cloudfront_status = Some(DeployStatus::Deployed);
                r.meta.last_error = None;
                r.drift.clear();
            }
            Ok(())
        })
        .await?;
    let updated =
        DistributionUpdated { distribution_id: input.distribution_id.clone(), changed: input.patch.set_fields() };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &updated)))
}

/// Records the failure; the status follows what CloudFront has.
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<UpdateDistributionInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    record_failed_change(cx, &input.distribution_id, &failure).await?;
    let event = DistributionUpdateFailed { distribution_id: input.distribution_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
