//! `update-distribution`: the API claimed the record for this execution; merge the patch into
//! the stored spec, reserve and grant the origins (and reserve the policies) it adds, apply it
//! to CloudFront with If-Match (re-reading on 412), wait until Deployed, bring the alias records
//! and alarm in line, revoke the origins and release the policies it removed, record, end the
//! claim and announce.

use cfm_domain::bucket_policy::Access;
use cfm_domain::distribution::{DeployStatus, DistributionRecord, DistributionStatus};
use cfm_domain::record::Claimed;
use cfm_domain::values::OriginId;
use cfm_events::RequestContext;
use cfm_events::distribution::{DistributionUpdateFailed, DistributionUpdated, UpdateDistributionInput};
use cfm_ports::cdn::CdnChange;
use cfm_runtime::TaskOutput;

use super::access::{
    check_certificate, desired, grant, reserve, reserve_policies, revoke_access, revoke_all, use_policies,
};
use super::edge::{associated, delete_identity};
use super::retire::start_retirements;
use super::{applied, cloudfront_id, record_failed_change};
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;
use crate::machines::{RetireMachine, WithMachines};

/// `update-distribution`'s input with the state machine that retires edge functions.
pub type UpdateInput = WithMachines<UpdateDistributionInput, RetireMachine>;

/// Applies the merged spec to CloudFront and stores it on the record. Origins it adds are
/// reserved and granted first (CloudFront reads them as soon as it takes the change); origins
/// it removes are revoked by [`finalize`], once the change is deployed.
pub async fn apply(cx: &Cx<'_>, input: UpdateDistributionInput) -> TaskResult<TaskOutput> {
    // The claim makes this the only change in flight, so merging onto what was read is safe.
    let record: DistributionRecord = cx.claimed(input.distribution_id.as_str()).await?;
    let spec = record.spec.changed(&input.patch).map_err(TaskError::Invalid)?;
    check_certificate(cx, &spec).await?;
    let added = not_in(&spec.origins, &record.spec.origins);
    reserve(cx, &added, &record.id).await?;
    // Only reserved here: the old ones stay reserved until the change is deployed (or failed),
    // even when a redelivery finds the new spec stored already.
    reserve_policies(cx, &record.id, &spec.policies()).await?;
    let id = cloudfront_id(&record)?;
    // A routing change that moves between lambda-edge and not changes how every bucket is
    // reached: the new way is granted everywhere first, the old one goes once deployed.
    let access = spec.access();
    let granted = if access == record.spec.access() { added.clone() } else { spec.origins.clone() };
    grant(cx, &granted, &record, access).await?;
    // A routing change (or a replication) runs the function PublishNextEdgeFunction published;
    // none if routing is removed. A redelivery finds it bound already.
    let rerouted = spec.routing != record.spec.routing || (input.replicate && record.pending_edge_function.is_some());
    let edge = match (&spec.routing, rerouted) {
        (None, _) => None,
        (Some(_), false) => record.edge_function.as_ref(),
        (Some(_), true) => Some(record.pending_edge_function.as_ref().ok_or_else(|| {
            TaskError::Internal(format!("distribution {}: the new routing's function is not published", record.id))
        })?),
    };
    let identity = record.origin_access_identity.as_ref().filter(|_| access == Access::Identity);
    let config = desired(cx, &spec).await?.routed(edge, identity).replacing(&record.spec);
    let change = CdnChange::Settings(Box::new(config));
    applied(cx.ports.cdn.update_distribution(&id, &change).await?, &id)?;
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(input.distribution_id.as_str(), cx.now(), |r| {
            r.check_claim(execution)?;
            // A redelivery finds the spec stored, the retiring origins noted and the new
            // function bound already.
            if r.spec.routing != spec.routing || (input.replicate && r.pending_edge_function.is_some()) {
                // The old function runs on edges still on the old config until deployed.
                r.retiring_edge_function = r.edge_function.take();
                r.edge_function = r.pending_edge_function.take();
            }
            if r.spec != spec {
                r.retiring = not_in(&r.spec.origins, &spec.origins);
                r.spec = spec.clone();
            }
            r.cloudfront_status = Some(DeployStatus::InProgress);
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none())
}

/// Revokes and releases the origins the change removed, releases the policies the spec stored
/// now does not use, hands the edge functions it no longer runs to `retire-edge-function` (the
/// one it replaced, or the one it published if CloudFront never took the change), and lets go
/// of the way of reaching buckets the stored spec does not use (after a routing change): its
/// grants, and an identity it no longer needs.
async fn retire(
    cx: &Cx<'_>,
    id: &cfm_domain::values::DistributionId,
    machines: &RetireMachine,
    request: &RequestContext,
    rerouted: bool,
) -> TaskResult<()> {
    let Some(record) = cx.records().get::<DistributionRecord>(id.as_str()).await? else { return Ok(()) };
    if !record.is_mine(cx.execution().as_str()) {
        return Ok(());
    }
    use_policies(cx, id, &record.spec.policies(), &[]).await?;
    revoke_all(cx, &record.retiring, id).await?;
    let functions: Vec<_> =
        record.retiring_edge_function.iter().chain(&record.pending_edge_function).map(|f| f.id.clone()).collect();
    start_retirements(cx, machines, &functions, request).await?;
    let unused_identity = record.origin_access_identity.is_some() && record.spec.access() == Access::Oac;
    if unused_identity {
        revoke_access(cx, &record.spec.origins, id, Access::Identity).await?;
        delete_identity(cx, &record).await?;
    } else if rerouted && record.spec.access() == Access::Identity {
        revoke_access(cx, &record.spec.origins, id, Access::Oac).await?;
    }
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(id.as_str(), cx.now(), |r| {
            if r.is_mine(execution) {
                r.retiring.clear();
                r.retiring_edge_function = None;
                r.pending_edge_function = None;
                if unused_identity {
                    r.origin_access_identity = None;
                }
            }
            Ok(())
        })
        .await?;
    Ok(())
}

/// The origins in `these` that are not in `those`.
fn not_in(these: &[OriginId], those: &[OriginId]) -> Vec<OriginId> {
    these.iter().filter(|o| !those.contains(o)).cloned().collect()
}

/// Retires the removed origins, marks the change deployed, ends the claim and announces it.
pub async fn finalize(cx: &Cx<'_>, WithMachines { input, machines }: UpdateInput) -> TaskResult<TaskOutput> {
    retire(cx, &input.distribution_id, &machines, &input.request, input.patch.routing.is_some()).await?;
    let execution = cx.execution().as_str();
    let record = cx
        .records()
        .update::<DistributionRecord, TaskError>(input.distribution_id.as_str(), cx.now(), |r| {
            if r.finish(execution, DistributionStatus::Deployed)? {
                r.cloudfront_status = Some(DeployStatus::Deployed);
                r.meta.last_error = None;
                r.drift.clear();
            }
            Ok(())
        })
        .await?;
    // A replication changes no setting: its functions' events tell what happened.
    let updated =
        DistributionUpdated { distribution_id: input.distribution_id.clone(), changed: input.patch.set_fields() };
    let output = if input.replicate {
        TaskOutput::none()
    } else {
        TaskOutput::none().with_event(cx.event(&input.request, &updated))
    };
    // A new routing's (or a replicated) function runs everywhere now.
    let rerouted = input.replicate || input.patch.routing.as_ref().is_some_and(Option::is_some);
    let associated = associated(cx, &record, &input.request).filter(|_| rerouted);
    Ok(associated.into_iter().fold(output, TaskOutput::with_event))
}

/// Records the failure; the status follows what CloudFront has. If CloudFront took the change,
/// the origins it removed are retired; if not, the origins it meant to add are released (the
/// record keeps the origins it had).
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<UpdateInput>) -> TaskResult<TaskOutput> {
    let (failure, WithMachines { input, machines }) = (failed.failure(), &failed.input);
    retire(cx, &input.distribution_id, machines, &input.request, input.patch.routing.is_some()).await?;
    let record = cx.records().get::<DistributionRecord>(input.distribution_id.as_str()).await?;
    if let (Some(record), Some(wanted)) = (record.filter(|r| r.is_mine(cx.execution().as_str())), &input.patch.origins)
    {
        revoke_all(cx, &not_in(wanted, &record.spec.origins), &record.id).await?;
    }
    record_failed_change(cx, &input.distribution_id, &failure).await?;
    let event = DistributionUpdateFailed { distribution_id: input.distribution_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
