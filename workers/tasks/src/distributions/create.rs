//! `create-distribution`: validate → create in CloudFront → grant the origin → record → wait →
//! mark deployed; compensation disables, waits, deletes and records the failure.

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

use super::{check_certificate, grant_origin_access, invalid, origin_target, revoke_origin_access};
use crate::Deps;
use crate::input::{event, now, parse};

fn internal(e: impl std::fmt::Display) -> TaskError {
    TaskError::new(ErrorName::Internal, e.to_string())
}

/// Re-checks the spec, the origin and the certificate, and that the record awaits creation.
pub async fn validate(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    validate_create(&input.spec).map_err(|p| invalid(p.to_string()))?;
    let record: DistributionRecord = deps.store.require(&input.distribution_id).await?;
    if record.status != DistributionStatus::Creating {
        return Err(TaskError::new(
            ErrorName::Conflict,
            format!("distribution {} is {}, not being created", record.id, record.status.as_str()),
        ));
    }
    origin_target(deps, record.origin_id()).await?;
    check_certificate(deps, ctx, &input.spec).await?;
    Ok(TaskOutput::none())
}

/// Creates the distribution with a `CallerReference` derived from the execution (a redelivery
/// finds the one already made) and stores its ids on the record at once.
pub async fn create(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    let (_, target) = origin_target(deps, input.spec.origin_id.as_deref().unwrap_or_default()).await?;
    let reference = format!("cfm-{}", stable_id(&[&ctx.execution, "create-distribution"]));
    let config = build_config(&input.spec, &target, &reference).map_err(internal)?;
    let tags = tags(&input.spec, &input.distribution_id).map_err(internal)?;
    let created = deps.cloudfront.create_distribution(config, tags, &target.domain_name).await?;
    deps.store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
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
pub async fn grant(deps: &Deps, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    let record: DistributionRecord = deps.store.require(&input.distribution_id).await?;
    let arn = record.arn.clone().ok_or_else(|| internal("the record has no distribution ARN"))?;
    let (origin, _) = origin_target(deps, record.origin_id()).await?;
    grant_origin_access(deps, &origin, &record.id, &arn).await?;
    Ok(TaskOutput::none())
}

/// Marks the record in progress and announces the distribution.
pub async fn record(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    let record = deps
        .store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
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

/// Marks the new distribution deployed and announces it.
pub async fn mark_deployed(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: DistributionInput = parse(input)?;
    let record = deps
        .store
        .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
            r.status = DistributionStatus::Deployed;
            r.cloudfront_status = Some("Deployed".into());
            Ok(())
        })
        .await?;
    let deployed = DistributionDeployed {
        distribution_id: record.id.clone(),
        cloudfront_id: record.cloudfront_id.unwrap_or_default(),
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &deployed)))
}

/// First half of compensation: remove the bucket grant and origin reference, and disable the
/// distribution if CloudFront made one (it must be disabled and deployed before deletion).
pub async fn compensate(deps: &Deps, input: Value) -> Result<TaskOutput, TaskError> {
    let input: CreateDistributionInput = parse(input)?;
    let Some(record) = deps.store.get::<DistributionRecord>(&input.distribution_id).await? else {
        return Ok(TaskOutput::none());
    };
    revoke_origin_access(deps, record.origin_id(), &record.id).await?;
    if let Some(id) = &record.cloudfront_id {
        deps.cloudfront.update_distribution(id, |config| config.enabled = false).await?;
    }
    Ok(TaskOutput::none())
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: CreateDistributionInput,
    failure: CaughtFailure,
}

/// Second half of compensation: delete the (now disabled, deployed) distribution, record the
/// failure and announce it.
pub async fn finish_compensation(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, failure } = parse(input)?;
    if let Some(record) = deps.store.get::<DistributionRecord>(&input.distribution_id).await? {
        if let Some(id) = &record.cloudfront_id {
            deps.cloudfront.delete_distribution(id).await?;
        }
        let recorded = RecordedError { error: failure.error.clone(), cause: failure.cause.clone() };
        deps.store
            .update::<DistributionRecord, _>(&input.distribution_id, &now(), |r| {
                r.status = DistributionStatus::Failed;
                r.cloudfront_id = None;
                r.arn = None;
                r.domain_name = None;
                r.cloudfront_status = None;
                r.last_error = Some(recorded.clone());
                Ok(())
            })
            .await?;
    }
    let failed = DistributionCreateFailed {
        distribution_id: input.distribution_id.clone(),
        error: failure.error,
        cause: failure.cause,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &failed)))
}
