//! `delete-distribution`: the API claimed the record for this execution; disable → wait until
//! Deployed → remove its alias records and alarm → delete with a fresh ETag → remove the bucket grants and origin references → delete
//! the record (history stays). A failure records why and ends the claim.

use cfm_domain::distribution::DistributionRecord;
use cfm_domain::record::Claimed;
use cfm_events::distribution::{DistributionDeleteFailed, DistributionDeleted, DistributionInput};
use cfm_ports::cdn::CdnChange;
use cfm_runtime::TaskOutput;

use super::edge::{delete_identity, every_function};
use super::retire::start_retirements;
use super::{applied, deleted, record_failed_change, revoke_all, use_policies};
use crate::cx::Cx;
use crate::error::TaskResult;
use crate::input::Failed;
use crate::machines::{RetireMachine, WithMachines};

/// Disables the distribution (a no-op if already disabled).
pub async fn disable(cx: &Cx<'_>, input: DistributionInput) -> TaskResult<TaskOutput> {
    let record: DistributionRecord = cx.claimed(input.distribution_id.as_str()).await?;
    if let Some(id) = record.cloudfront_id() {
        applied(cx.ports.cdn.update_distribution(id, &CdnChange::Enabled(false)).await?, id)?;
    }
    Ok(TaskOutput::none())
}

/// Deletes the distribution (then its Origin Access Identity), its grants, its origin and policy
/// references and its record, and hands every edge function it had to `retire-edge-function`.
pub async fn delete(
    cx: &Cx<'_>,
    WithMachines { input, machines }: WithMachines<DistributionInput, RetireMachine>,
) -> TaskResult<TaskOutput> {
    let mut cloudfront_id = None;
    if let Some(record) = cx.records().get::<DistributionRecord>(input.distribution_id.as_str()).await? {
        record.check_claim(cx.execution().as_str())?;
        if let Some(id) = record.cloudfront_id() {
            deleted(cx.ports.cdn.delete_distribution(id).await?, id)?;
            cloudfront_id = Some(id.clone());
        }
        delete_identity(cx, &record).await?;
        start_retirements(cx, &machines, &every_function(&record), &input.request).await?;
        revoke_all(cx, &record.spec.origins, &record.id).await?;
        use_policies(cx, &record.id, &[], &record.spec.policies()).await?;
        cx.records().delete::<DistributionRecord>(record.id.as_str()).await?;
    }
    let event = DistributionDeleted { distribution_id: input.distribution_id.clone(), cloudfront_id };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}

/// Records the failure; the status follows what CloudFront has, so a second delete can finish.
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<DistributionInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    record_failed_change(cx, &input.distribution_id, &failure).await?;
    let event = DistributionDeleteFailed { distribution_id: input.distribution_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
