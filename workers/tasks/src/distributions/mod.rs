//! The distribution workflows' tasks: create, update, delete, invalidate, reconcile, and the
//! shared deployment poll.

pub mod create;
pub mod delete;
pub mod invalidate;
pub mod poll;
pub mod reconcile;
pub mod update;

use cfm_aws::TaskError;
use cfm_aws::cloudfront::convert::OriginTarget;
use cfm_aws::preflight;
use cfm_aws::s3::OriginBucket;
use cfm_core::bucket_policy;
use cfm_core::distribution_record::{DistributionRecord, DistributionStatus};
use cfm_core::origin_record::{OriginRecord, RecordedError};
use cfm_events::ErrorName;
use cfm_events::distribution::DistributionSpec;
use cfm_events::origin::CaughtFailure;

use crate::Deps;
use crate::input::now;

fn invalid(cause: impl Into<String>) -> TaskError {
    TaskError::new(ErrorName::Validation, cause)
}

/// The origin a spec names, which must be active with its OAC.
async fn origin_target(deps: &Deps, origin_id: &str) -> Result<(OriginRecord, OriginTarget), TaskError> {
    preflight::origin_target(&deps.aws, &deps.store, origin_id).await
}

/// The certificate exists in us-east-1, is issued, and covers every alias.
async fn check_certificate(deps: &Deps, spec: &DistributionSpec) -> Result<(), TaskError> {
    preflight::check_certificate(&deps.acm, spec).await
}

/// Adds the distribution's read grant to its origin's bucket policy and records the use.
async fn grant_origin_access(
    deps: &Deps,
    origin: &OriginRecord,
    distribution_id: &str,
    arn: &str,
) -> Result<(), TaskError> {
    let bucket = OriginBucket::new(&deps.aws, &origin.bucket_name, &origin.region);
    let current = bucket.policy().await?;
    let policy = bucket_policy::grant(current.as_deref(), &origin.bucket_name, distribution_id, arn)
        .map_err(|e| TaskError::new(ErrorName::Internal, e))?;
    bucket.set_policy(Some(&policy)).await?;
    deps.store
        .update::<OriginRecord, _>(&origin.id, &now(), |r| {
            if !r.distributions.iter().any(|d| d == distribution_id) {
                r.distributions.push(distribution_id.to_owned());
            }
            Ok(())
        })
        .await?;
    Ok(())
}

/// Removes the distribution's grant and its entry on the origin; a missing origin is fine.
async fn revoke_origin_access(deps: &Deps, origin_id: &str, distribution_id: &str) -> Result<(), TaskError> {
    let Some(origin) = deps.store.get::<OriginRecord>(origin_id).await? else { return Ok(()) };
    let bucket = OriginBucket::new(&deps.aws, &origin.bucket_name, &origin.region);
    if bucket.owner().await? != cfm_aws::s3::BucketOwner::Missing {
        let current = bucket.policy().await?;
        if current.as_deref().is_some_and(|p| bucket_policy::has_grant(p, distribution_id)) {
            let policy = bucket_policy::revoke(current.as_deref(), distribution_id)
                .map_err(|e| TaskError::new(ErrorName::Internal, e))?;
            bucket.set_policy(policy.as_deref()).await?;
        }
    }
    deps.store
        .update::<OriginRecord, _>(origin_id, &now(), |r| {
            r.distributions.retain(|d| d != distribution_id);
            Ok(())
        })
        .await?;
    Ok(())
}

/// Records a failed change on the record: a `busy` status goes back to what CloudFront shows
/// (so the next attempt can proceed), `enabled` follows CloudFront, and the failure is kept.
async fn record_failed_change(
    deps: &Deps,
    distribution_id: &str,
    busy: DistributionStatus,
    failure: &CaughtFailure,
) -> Result<(), TaskError> {
    let Some(record) = deps.store.get::<DistributionRecord>(distribution_id).await? else { return Ok(()) };
    let live = match &record.cloudfront_id {
        Some(id) => deps.cloudfront.live(id).await?,
        None => None,
    };
    let recorded = RecordedError { error: failure.error.clone(), cause: failure.cause.clone() };
    deps.store
        .update::<DistributionRecord, _>(distribution_id, &now(), |r| {
            if r.status == busy {
                r.status = match live.as_ref().map(|l| l.status.as_str()) {
                    Some("Deployed") => DistributionStatus::Deployed,
                    _ => DistributionStatus::InProgress,
                };
                r.spec.enabled = live.as_ref().map(|l| l.config.enabled).or(r.spec.enabled);
            }
            r.last_error = Some(recorded.clone());
            Ok(())
        })
        .await?;
    Ok(())
}
