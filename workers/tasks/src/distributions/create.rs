//! `create-distribution`: validate (and reserve the origins and policies) → create in CloudFront → grant each
//! S3 origin → record → alias records and alarm → wait → mark deployed. On failure: compensate (revoke, disable) → wait →
//! delete → record the failure. Compensation failing is recorded too.
//!
//! The record is claimed by this execution from the start; every task checks the claim. The
//! origins are read from their records where they are needed: a custom origin's header values
//! never travel through the workflow's state.

use cfm_domain::distribution::{DeployStatus, DistributionRecord, DistributionStatus, tags};
use cfm_domain::record::Claimed;
use cfm_events::distribution::{
    CreateDistributionInput, DistributionCreateFailed, DistributionCreated, DistributionDeployed, DistributionInput,
};
use cfm_events::envelope::stable_id;
use cfm_ports::cdn::CdnChange;
use cfm_runtime::TaskOutput;

use super::access::{
    check_certificate, desired, grant as grant_access, reserve, reserve_policies, revoke_all, use_policies,
};
use super::attached::release;
use super::edge::{associated, delete_identity, ensure_viewer_country_policy, every_function};
use super::retire::start_retirements;
use super::{applied, cloudfront_id, deleted};
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;
use crate::machines::{RetireMachine, WithMachines};

/// Checks that this execution creates the record, that every origin is ready and the
/// certificate usable, and reserves the origins so none can be deleted under the new
/// distribution.
pub async fn validate(cx: &Cx<'_>, input: CreateDistributionInput) -> TaskResult<TaskOutput> {
    let record: DistributionRecord = cx.claimed(input.distribution_id.as_str()).await?;
    if record.status != DistributionStatus::Creating {
        return Err(TaskError::Conflict(format!("distribution {} is {}, not being created", record.id, record.status)));
    }
    ensure_viewer_country_policy(cx, &input.spec).await?;
    desired(cx, &input.spec).await?;
    check_certificate(cx, &input.spec).await?;
    reserve(cx, &input.spec.origins, &record.id).await?;
    reserve_policies(cx, &record.id, &input.spec.policies()).await?;
    Ok(TaskOutput::none())
}

/// Creates the distribution with a `CallerReference` derived from the execution (a redelivery
/// finds the one already made) and stores its ids on the record at once.
pub async fn create(cx: &Cx<'_>, input: CreateDistributionInput) -> TaskResult<TaskOutput> {
    let id = input.distribution_id.as_str();
    let record: DistributionRecord = cx.claimed(id).await?;
    let reference = format!("cfm-{}", stable_id(&[cx.execution().as_str(), "create-distribution"]));
    let config =
        desired(cx, &input.spec).await?.routed(record.edge_function.as_ref(), record.origin_access_identity.as_ref());
    let created =
        cx.ports.cdn.create_distribution(&config, &reference, &tags(&input.spec, &input.distribution_id)).await?;
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(id, cx.now(), |r| {
            r.check_claim(execution)?;
            r.cloudfront = Some(created.clone());
            r.cloudfront_status = Some(DeployStatus::InProgress);
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none())
}

/// Grants the distribution read access in each S3 origin's bucket policy.
pub async fn grant(cx: &Cx<'_>, input: CreateDistributionInput) -> TaskResult<TaskOutput> {
    let record: DistributionRecord = cx.claimed(input.distribution_id.as_str()).await?;
    grant_access(cx, &input.spec.origins, &record, input.spec.access()).await?;
    Ok(TaskOutput::none())
}

/// Marks the record in progress (still claimed until deployed) and announces the distribution.
pub async fn record(cx: &Cx<'_>, input: CreateDistributionInput) -> TaskResult<TaskOutput> {
    let execution = cx.execution().as_str();
    let record = cx
        .records()
        .update::<DistributionRecord, TaskError>(input.distribution_id.as_str(), cx.now(), |r| {
            r.check_claim(execution)?;
            r.status = DistributionStatus::InProgress;
            Ok(())
        })
        .await?;
    let cloudfront = record
        .cloudfront
        .clone()
        .ok_or_else(|| TaskError::Internal("the record has no CloudFront distribution".into()))?;
    let created = DistributionCreated {
        distribution_id: record.id.clone(),
        cloudfront_id: cloudfront.cloudfront_id,
        domain_name: cloudfront.domain_name,
        origins: record.spec.origins.clone(),
        template: record.template.clone(),
    };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &created)))
}

/// Marks the new distribution deployed, ends the claim and announces it.
pub async fn mark_deployed(cx: &Cx<'_>, input: DistributionInput) -> TaskResult<TaskOutput> {
    let execution = cx.execution().as_str();
    let record = cx
        .records()
        .update::<DistributionRecord, TaskError>(input.distribution_id.as_str(), cx.now(), |r| {
            if r.finish(execution, DistributionStatus::Deployed)? {
                r.cloudfront_status = Some(DeployStatus::Deployed);
            }
            Ok(())
        })
        .await?;
    let deployed = DistributionDeployed { distribution_id: record.id.clone(), cloudfront_id: cloudfront_id(&record)? };
    let output = TaskOutput::none().with_event(cx.event(&input.request, &deployed));
    Ok(associated(cx, &record, &input.request).into_iter().fold(output, TaskOutput::with_event))
}

/// First step of compensation: remove the bucket grants, the origin and policy reservations,
/// the alias records and the alarm, and disable the distribution if CloudFront made one (it must be disabled and deployed before deletion).
pub async fn compensate(cx: &Cx<'_>, Failed { input, .. }: Failed<CreateDistributionInput>) -> TaskResult<TaskOutput> {
    let Some(record) = cx.records().get::<DistributionRecord>(input.distribution_id.as_str()).await? else {
        return Ok(TaskOutput::none());
    };
    if !record.is_mine(cx.execution().as_str()) {
        return Ok(TaskOutput::none());
    }
    revoke_all(cx, &record.spec.origins, &record.id).await?;
    use_policies(cx, &record.id, &[], &record.spec.policies()).await?;
    let released = release(cx, &record, &input.request).await?;
    if let Some(id) = record.cloudfront_id() {
        applied(cx.ports.cdn.update_distribution(id, &CdnChange::Enabled(false)).await?, id)?;
    }
    Ok(released)
}

/// Last step of compensation: delete the (now disabled, deployed) distribution, hand the edge
/// function it ran to `retire-edge-function`, and forget both.
pub async fn finish_compensation(
    cx: &Cx<'_>,
    WithMachines { input, machines }: WithMachines<CreateDistributionInput, RetireMachine>,
) -> TaskResult<TaskOutput> {
    let id = input.distribution_id.as_str();
    let execution = cx.execution().as_str();
    let Some(record) = cx.records().get::<DistributionRecord>(id).await? else { return Ok(TaskOutput::none()) };
    if !record.is_mine(execution) {
        return Ok(TaskOutput::none());
    }
    if let Some(cloudfront) = record.cloudfront_id() {
        deleted(cx.ports.cdn.delete_distribution(cloudfront).await?, cloudfront)?;
    }
    delete_identity(cx, &record).await?;
    start_retirements(cx, &machines, &every_function(&record), &input.request).await?;
    cx.records()
        .update::<DistributionRecord, TaskError>(id, cx.now(), |r| {
            if r.is_mine(execution) {
                r.cloudfront = None;
                r.cloudfront_status = None;
                r.edge_function = None;
                r.origin_access_identity = None;
            }
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none())
}

/// Records the distribution as failed with the cause, and what compensation left behind (its
/// CloudFront ids stay on the record then, so deleting it finishes the job); ends the claim
/// and announces it.
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<CreateDistributionInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.after_cleanup("delete the distribution to remove what is left"), &failed.input);
    cx.settle_failed::<DistributionRecord>(
        input.distribution_id.as_str(),
        DistributionStatus::Failed,
        &failure,
        |_| (),
    )
    .await?;
    let event = DistributionCreateFailed { distribution_id: input.distribution_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
