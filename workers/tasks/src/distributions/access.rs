//! What a distribution needs of other resources: its origin ready (and reserved, so it cannot
//! be deleted under it), its certificate usable, and read access in the origin's bucket policy.

use cfm_domain::bucket_policy;
use cfm_domain::distribution::DistributionSpec;
use cfm_domain::origin::{OriginRecord, OriginTarget};
use cfm_domain::values::{DistributionArn, DistributionId, OriginId};
use cfm_ports::buckets::{BucketOwner, BucketRef};

use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};

/// How long a workflow may hold a bucket policy while editing it.
const POLICY_LEASE_SECONDS: i64 = 60;

/// Where CloudFront reaches the origin a spec names, which must exist and be ready.
pub(crate) async fn origin_target(cx: &Cx<'_>, origin_id: &OriginId) -> TaskResult<OriginTarget> {
    let origin: OriginRecord = cx
        .records()
        .get(origin_id.as_str())
        .await?
        .ok_or_else(|| TaskError::Refused(format!("origin {origin_id} does not exist")))?;
    Ok(origin.target()?)
}

/// The certificate a spec names can serve it: this account's, in us-east-1, issued, covering
/// every alias.
pub(crate) async fn check_certificate(cx: &Cx<'_>, spec: &DistributionSpec) -> TaskResult<()> {
    let Some(certificate) = &spec.certificate else { return Ok(()) };
    let account = Some(cx.execution().account());
    match cx.ports.certificates.refusal(&certificate.certificate_arn, &spec.aliases, account).await? {
        Some(why) => Err(TaskError::Refused(why)),
        None => Ok(()),
    }
}

/// Records that the distribution uses the origin, which must be ready: from now on
/// `delete-origin` refuses, until [`revoke`] releases it.
pub(crate) async fn reserve(cx: &Cx<'_>, origin: &OriginId, distribution: &DistributionId) -> TaskResult<()> {
    cx.records()
        .update::<OriginRecord, TaskError>(origin.as_str(), cx.now(), |r| Ok(r.reserve_for(distribution)?))
        .await?;
    Ok(())
}

/// Adds the distribution's read grant to its origin's bucket policy.
pub(crate) async fn grant(
    cx: &Cx<'_>,
    origin: &OriginTarget,
    distribution: &DistributionId,
    arn: &DistributionArn,
) -> TaskResult<()> {
    edit_policy(cx, &BucketRef::of_target(origin), distribution, |current| {
        bucket_policy::grant(current, &origin.bucket_name, distribution, arn).map(|p| Some(Some(p)))
    })
    .await
}

/// Removes the distribution's grant and its use of the origin; a missing origin is fine.
pub(crate) async fn revoke(cx: &Cx<'_>, origin: &OriginId, distribution: &DistributionId) -> TaskResult<()> {
    let Some(record) = cx.records().get::<OriginRecord>(origin.as_str()).await? else { return Ok(()) };
    let bucket = BucketRef::of_origin(&record);
    if cx.ports.buckets.owner(&bucket).await? != BucketOwner::Missing {
        edit_policy(cx, &bucket, distribution, |current| match current {
            Some(p) if bucket_policy::has_grant(p, distribution) => {
                bucket_policy::revoke(current, distribution).map(Some)
            }
            _ => Ok(None),
        })
        .await?;
    }
    cx.records()
        .update::<OriginRecord, TaskError>(origin.as_str(), cx.now(), |r| {
            r.release_for(distribution);
            Ok(())
        })
        .await?;
    Ok(())
}

/// Edits an origin's bucket policy under a lease: S3 has no compare-and-swap on policies, so two
/// workflows editing one bucket at once would otherwise lose each other's statements. `edit`
/// gets the current policy and returns `None` (no change), `Some(None)` (delete the policy) or
/// `Some(Some(policy))`. A lease held by another distribution's workflow is "not yet".
async fn edit_policy(
    cx: &Cx<'_>,
    bucket: &BucketRef,
    distribution: &DistributionId,
    edit: impl FnOnce(Option<&str>) -> Result<Option<Option<String>>, bucket_policy::MalformedPolicy>,
) -> TaskResult<()> {
    let lease = format!("bucket-policy/{}", bucket.name);
    let owner = distribution.as_str();
    if !cx.ports.store.take(&lease, owner, POLICY_LEASE_SECONDS, cx.now()).await? {
        return Err(TaskError::NotYet(format!("{lease} is held by another workflow; will retry")));
    }
    let result = async {
        let current = cx.ports.buckets.policy(bucket).await?;
        match edit(current.as_deref()).map_err(|e| TaskError::Refused(format!("bucket '{}': {e}", bucket.name)))? {
            Some(policy) => Ok(cx.ports.buckets.set_policy(bucket, policy.as_deref()).await?),
            None => Ok(()),
        }
    }
    .await;
    cx.ports.store.give_back(&lease, owner).await?;
    result
}
