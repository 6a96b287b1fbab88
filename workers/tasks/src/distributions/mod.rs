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
use cfm_core::origin_record::{OriginRecord, OriginStatus, RecordedError};
use cfm_events::distribution::DistributionSpec;
use cfm_events::origin::CaughtFailure;
use cfm_events::{ErrorName, TaskContext};

use crate::Deps;
use crate::input::{busy, now};

fn invalid(cause: impl Into<String>) -> TaskError {
    TaskError::new(ErrorName::Validation, cause)
}

/// The origin a spec names, which must be active with its OAC.
async fn origin_target(deps: &Deps, origin_id: &str) -> Result<(OriginRecord, OriginTarget), TaskError> {
    preflight::origin_target(&deps.aws, &deps.store, origin_id).await
}

/// The certificate exists in us-east-1, is issued, and covers every alias.
async fn check_certificate(deps: &Deps, ctx: &TaskContext, spec: &DistributionSpec) -> Result<(), TaskError> {
    preflight::check_certificate(&deps.acm, spec, cfm_core::ids::account_of(&ctx.execution)).await
}

/// The distribution record, which this task's execution must hold.
async fn claimed(deps: &Deps, ctx: &TaskContext, distribution_id: &str) -> Result<DistributionRecord, TaskError> {
    let record: DistributionRecord = deps.store.require(distribution_id).await?;
    record.check_claim(&ctx.execution).map_err(busy)?;
    Ok(record)
}

/// Records that the distribution uses the origin, which must be ready and not being deleted:
/// from now on `delete-origin` refuses, until the use is released.
async fn reserve_origin(deps: &Deps, origin_id: &str, distribution_id: &str) -> Result<(), TaskError> {
    deps.store
        .update::<OriginRecord, _>(origin_id, &now(), |r| {
            if !matches!(r.status, OriginStatus::Active | OriginStatus::Updating) {
                return Err(TaskError::new(
                    ErrorName::Conflict,
                    format!("origin {origin_id} is {}; distributions can use only active origins", r.status.as_str()),
                ));
            }
            if !r.distributions.iter().any(|d| d == distribution_id) {
                r.distributions.push(distribution_id.to_owned());
            }
            Ok(())
        })
        .await?;
    Ok(())
}

/// Adds the distribution's read grant to its origin's bucket policy.
async fn grant_origin_access(
    deps: &Deps,
    origin: &OriginRecord,
    distribution_id: &str,
    arn: &str,
) -> Result<(), TaskError> {
    edit_bucket_policy(deps, origin, distribution_id, |current| {
        bucket_policy::grant(current, &origin.bucket_name, distribution_id, arn).map(|p| Some(Some(p)))
    })
    .await
}

/// Removes the distribution's grant and its entry on the origin; a missing origin is fine.
pub(crate) async fn revoke_origin_access(deps: &Deps, origin_id: &str, distribution_id: &str) -> Result<(), TaskError> {
    let Some(origin) = deps.store.get::<OriginRecord>(origin_id).await? else { return Ok(()) };
    let bucket = OriginBucket::new(&deps.aws, &origin.bucket_name, &origin.region);
    if bucket.owner().await? != cfm_aws::s3::BucketOwner::Missing {
        edit_bucket_policy(deps, &origin, distribution_id, |current| match current {
            Some(p) if bucket_policy::has_grant(p, distribution_id) => {
                bucket_policy::revoke(current, distribution_id).map(Some)
            }
            _ => Ok(None),
        })
        .await?;
    }
    deps.store
        .update::<OriginRecord, _>(origin_id, &now(), |r| {
            r.distributions.retain(|d| d != distribution_id);
            Ok(())
        })
        .await?;
    Ok(())
}

/// How long a workflow may hold a bucket policy while editing it.
const POLICY_LEASE_SECONDS: i64 = 60;

/// Edits an origin's bucket policy under a lease: S3 has no compare-and-swap on policies, so two
/// workflows editing one bucket at once would otherwise lose each other's statements. `edit`
/// gets the current policy and returns `None` (no change), `Some(None)` (delete the policy) or
/// `Some(Some(policy))`. A lease held by another distribution's workflow is a retryable error.
async fn edit_bucket_policy(
    deps: &Deps,
    origin: &OriginRecord,
    distribution_id: &str,
    edit: impl FnOnce(Option<&str>) -> Result<Option<Option<String>>, String>,
) -> Result<(), TaskError> {
    let lease = format!("bucket-policy/{}", origin.bucket_name);
    deps.store.lock(&lease, distribution_id, POLICY_LEASE_SECONDS).await?;
    let bucket = OriginBucket::new(&deps.aws, &origin.bucket_name, &origin.region);
    let result = async {
        let current = bucket.policy().await?;
        match edit(current.as_deref()).map_err(|e| TaskError::new(ErrorName::Internal, e))? {
            Some(policy) => bucket.set_policy(policy.as_deref()).await,
            None => Ok(()),
        }
    }
    .await;
    deps.store.unlock(&lease, distribution_id).await?;
    result
}

/// Records a failed change and ends this execution's claim: the status goes back to what
/// CloudFront shows (so the next attempt can proceed), `enabled` follows CloudFront, and the
/// failure is kept. If CloudFront cannot be read, the record is settled anyway (as deploying);
/// reconcile corrects it later.
async fn record_failed_change(
    deps: &Deps,
    ctx: &TaskContext,
    distribution_id: &str,
    failure: &CaughtFailure,
) -> Result<(), TaskError> {
    let Some(record) = deps.store.get::<DistributionRecord>(distribution_id).await? else { return Ok(()) };
    if !record.is_mine(&ctx.execution) {
        return Ok(());
    }
    let live = match &record.cloudfront_id {
        Some(id) => deps.cloudfront.live(id).await.unwrap_or_else(|err| {
            tracing::warn!(%err, "could not read CloudFront while recording a failure");
            None
        }),
        None => None,
    };
    let recorded = RecordedError { error: failure.error.clone(), cause: failure.cause.clone() };
    deps.store
        .update::<DistributionRecord, _>(distribution_id, &now(), |r| {
            let status = match live.as_ref().map(|l| l.status.as_str()) {
                Some("Deployed") => DistributionStatus::Deployed,
                _ => DistributionStatus::InProgress,
            };
            if r.settle(&ctx.execution, status) {
                r.spec.enabled = live.as_ref().map(|l| l.config.enabled).or(r.spec.enabled);
                r.last_error = Some(recorded.clone());
            }
            Ok(())
        })
        .await?;
    Ok(())
}
