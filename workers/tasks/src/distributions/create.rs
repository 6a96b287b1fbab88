//! `create-distribution`: validate (and reserve the origin) → create in CloudFront → grant the
//! origin → record → wait → mark deployed. On failure: compensate (revoke, disable) → wait →
//! delete → record the failure. Compensation failing is recorded too.
//!
//! The record is claimed by this execution from the start; every task checks the claim.

use cfm_aws::TaskError;
use cfm_aws::cloudfront::convert::{build_config, tags};
use cfm_core::distribution::validate_create;
use cfm_core::distribution_record::{DistributionRecord, DistributionStatus};
use cfm_core::origin_record::RecordedError;
use cfm_events::distribution::{
    CreateDistributionInput, DistributionCreateFailed, DistributionCreated, DistributionDeployed, DistributionInput,
};
use cfm_events::envelope::stable_id;
use cfm_events::origin::CaughtFailure;
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::Value;

use super::{
    check_certificate, claimed, grant_origin_access, invalid, origin_target, reserve_origin, revoke_origin_access,
};
use crate::Deps;
use crate::input::{busy, event, now, parse};

fn internal(e: impl std::fmt::Display) -> TaskError {
    TaskError::new(ErrorName::Internal, e.to_string())
}

/// Re-checks the spec, the origin and the certificate, that this execution creates the record,
/// and reserves the origin so it cannot be deleted under the new distribution.
pub async fn validate(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    validate_create(&input.spec).map_err(|p| invalid(p.to_string()))?;
    let record = claimed(deps, ctx, &input.distribution_id).await?;
    if record.status != DistributionStatus::Creating {
        return Err(TaskError::new(
            ErrorName::Conflict,
            format!("distribution {} is {}, not being created", record.id, record.status.as_str()),
        ));
    }
    origin_target(deps, record.origin_id()).await?;
    check_certificate(deps, ctx, &input.spec).await?;
    reserve_origin(deps, record.origin_id(), &record.id).await?;
    Ok(TaskOutput::none())
}

/// Creates the distribution with a `CallerReference` derived from the execution (a redelivery
/// finds the one already made) and stores its ids on the record at once.
pub async fn create(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    claimed(deps, ctx, &input.distribution_id).await?;
    let (_, target) = origin_target(deps, input.spec.origin_id.as_deref().unwrap_or_default()).await?;
    let reference = format!("cfm-{}", stable_id(&[&ctx.execution, "create-distribution"]));
    let config = build_config(&input.spec, &target, &reference).map_err(internal)?;
    let tags = tags(&input.spec, &input.distribution_id).map_err(internal)?;
    let created = deps.cloudfront.create_distribution(config, tags, &target.domain_name).await?;
    deps.store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
            r.check_claim(&ctx.execution).map_err(busy)?;
            r.cloudfront_id = Some(created.id.clone());
            r.arn = Some(created.arn.clone());
            r.domain_name = Some(created.domain_name.clone());
            r.cloudfront_status = Some("InProgress".into());
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none())
}

/// Grants the distribution read access in the origin's bucket policy.
pub async fn grant(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    let record = claimed(deps, ctx, &input.distribution_id).await?;
    let arn = record.arn.clone().ok_or_else(|| internal("the record has no distribution ARN"))?;
    let (origin, _) = origin_target(deps, record.origin_id()).await?;
    grant_origin_access(deps, &origin, &record.id, &arn).await?;
    Ok(TaskOutput::none())
}

/// Marks the record in progress (still claimed until deployed) and announces the distribution.
pub async fn record(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    let record = deps
        .store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
            r.check_claim(&ctx.execution).map_err(busy)?;
            r.status = DistributionStatus::InProgress;
            Ok(())
        })
        .await?;
    let created = DistributionCreated {
        distribution_id: record.id.clone(),
        cloudfront_id: record.cloudfront_id.clone().unwrap_or_default(),
        domain_name: record.domain_name.clone().unwrap_or_default(),
        origin_id: record.origin_id().to_owned(),
        template: record.template.clone(),
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &created)))
}

/// Marks the new distribution deployed, ends the claim and announces it.
pub async fn mark_deployed(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: DistributionInput = parse(input)?;
    let record = deps
        .store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
            if r.finish(&ctx.execution, DistributionStatus::Deployed).map_err(busy)? {
                r.cloudfront_status = Some("Deployed".into());
            }
            Ok(())
        })
        .await?;
    let deployed = DistributionDeployed {
        distribution_id: record.id.clone(),
        cloudfront_id: record.cloudfront_id.unwrap_or_default(),
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &deployed)))
}

/// First step of compensation: remove the bucket grant and the origin reservation, and disable
/// the distribution if CloudFront made one (it must be disabled and deployed before deletion).
pub async fn compensate(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    let Some(record) = deps.store.get::<DistributionRecord>(&input.distribution_id).await? else {
        return Ok(TaskOutput::none());
    };
    if !record.is_mine(&ctx.execution) {
        return Ok(TaskOutput::none());
    }
    revoke_origin_access(deps, record.origin_id(), &record.id).await?;
    if let Some(id) = &record.cloudfront_id {
        deps.cloudfront.update_distribution(id, |config| config.enabled = false).await?;
    }
    Ok(TaskOutput::none())
}

/// Last step of compensation: delete the (now disabled, deployed) distribution and forget its
/// CloudFront ids.
pub async fn finish_compensation(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    let Some(record) = deps.store.get::<DistributionRecord>(&input.distribution_id).await? else {
        return Ok(TaskOutput::none());
    };
    let Some(id) = record.cloudfront_id.clone().filter(|_| record.is_mine(&ctx.execution)) else {
        return Ok(TaskOutput::none());
    };
    deps.cloudfront.delete_distribution(&id).await?;
    deps.store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
            if !r.is_mine(&ctx.execution) {
                return Ok(());
            }
            r.cloudfront_id = None;
            r.arn = None;
            r.domain_name = None;
            r.cloudfront_status = None;
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none())
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: CreateDistributionInput,
    failure: CaughtFailure,
    /// Set when compensation itself failed.
    #[serde(default, rename = "cleanupFailure")]
    cleanup_failure: Option<CaughtFailure>,
}

/// Records the distribution as failed with the cause, and what compensation left behind (its
/// CloudFront ids stay on the record then, so deleting it finishes the job); ends the claim
/// and announces it.
pub async fn record_failure(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure, cleanup_failure } = parse(input)?;
    let mut cause = failure.cause.clone();
    if let Some(cleanup) = &cleanup_failure {
        cause.push_str(&format!(
            "; cleanup failed ({}: {}): delete the distribution to remove what is left",
            cleanup.error, cleanup.cause
        ));
    }
    let recorded = RecordedError { error: failure.error.clone(), cause: cause.clone() };
    if deps.store.get::<DistributionRecord>(&input.distribution_id).await?.is_some() {
        deps.store
            .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
                if r.settle(&ctx.execution, DistributionStatus::Failed) {
                    r.last_error = Some(recorded.clone());
                }
                Ok(())
            })
            .await?;
    }
    let failed =
        DistributionCreateFailed { distribution_id: input.distribution_id.clone(), error: failure.error, cause };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
