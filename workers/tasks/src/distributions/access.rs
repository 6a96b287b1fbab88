//! What a distribution needs of other resources: its origins and cfm policies ready (and
//! reserved, so they cannot be deleted under it), its certificate usable, and read access in the
//! bucket policy of each S3 origin.

use cfm_domain::bucket_policy::{self, Access, Grantee};
use cfm_domain::distribution::{CdnConfig, DistributionRecord, DistributionSpec};
use cfm_domain::origin::OriginRecord;
use cfm_domain::policy::{PolicyId, PolicyRecord};
use cfm_domain::values::{DistributionId, OriginId};
use cfm_ports::buckets::{BucketOwner, BucketRef};
use cfm_ports::store::UpdateError;

use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};

/// How long a workflow may hold a bucket policy while editing it.
const POLICY_LEASE_SECONDS: i64 = 60;

/// The records of the origins a spec names, each of which must exist.
pub(crate) async fn origins_of(cx: &Cx<'_>, spec: &DistributionSpec) -> TaskResult<Vec<OriginRecord>> {
    let mut records = Vec::with_capacity(spec.origins.len());
    for id in &spec.origins {
        let origin: Option<OriginRecord> = cx.records().get(id.as_str()).await?;
        records.push(origin.ok_or_else(|| TaskError::Refused(format!("origin {id} does not exist")))?);
    }
    Ok(records)
}

/// The records of the cfm policies a spec names, each of which must exist.
async fn policies_of(cx: &Cx<'_>, spec: &DistributionSpec) -> TaskResult<Vec<PolicyRecord>> {
    let mut records = Vec::new();
    for id in spec.policies() {
        let policy: Option<PolicyRecord> = cx.records().get(id.as_str()).await?;
        records.push(policy.ok_or_else(|| TaskError::Refused(format!("{} {id} does not exist", id.kind().noun())))?);
    }
    Ok(records)
}

/// What the spec asks of CloudFront, from its origins and policies as they are now (each must
/// be ready).
pub(crate) async fn desired(cx: &Cx<'_>, spec: &DistributionSpec) -> TaskResult<CdnConfig> {
    Ok(CdnConfig::desired(spec, &origins_of(cx, spec).await?, &policies_of(cx, spec).await?)?)
}

/// Reserves each of `wanted` (which must be ready) for `distribution`, so `delete-policy`
/// refuses it. Safe to repeat.
pub(crate) async fn reserve_policies(
    cx: &Cx<'_>,
    distribution: &DistributionId,
    wanted: &[PolicyId],
) -> TaskResult<()> {
    for id in wanted {
        let policy: PolicyRecord = cx.require(id.as_str()).await?;
        if !policy.distributions.contains(distribution) {
            cx.records()
                .update::<PolicyRecord, TaskError>(id.as_str(), cx.now(), |r| Ok(r.reserve_for(distribution)?))
                .await?;
        }
    }
    Ok(())
}

/// Makes `wanted` exactly the cfm policies that record `distribution` as a user: each wanted
/// one is reserved, and any other lets it go: `known` (read consistently) and then any the
/// list of all policies shows. Safe to repeat.
pub(crate) async fn use_policies(
    cx: &Cx<'_>,
    distribution: &DistributionId,
    wanted: &[PolicyId],
    known: &[PolicyId],
) -> TaskResult<()> {
    reserve_policies(cx, distribution, wanted).await?;
    let listed: Vec<PolicyId> = cx
        .records()
        .all::<PolicyRecord>()
        .await?
        .into_iter()
        .filter(|p| p.distributions.contains(distribution))
        .map(|p| p.id)
        .collect();
    for id in known.iter().chain(&listed).filter(|id| !wanted.contains(id)) {
        let records = cx.records();
        let release = records.update::<PolicyRecord, TaskError>(id.as_str(), cx.now(), |r| {
            r.release_for(distribution);
            Ok(())
        });
        match release.await {
            Ok(_) | Err(UpdateError::Missing(_)) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
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

/// Records that the distribution uses each origin, which must be ready: from now on
/// `delete-origin` refuses, until [`revoke`] releases it.
pub(crate) async fn reserve(cx: &Cx<'_>, origins: &[OriginId], distribution: &DistributionId) -> TaskResult<()> {
    for origin in origins {
        cx.records()
            .update::<OriginRecord, TaskError>(origin.as_str(), cx.now(), |r| Ok(r.reserve_for(distribution)?))
            .await?;
    }
    Ok(())
}

/// Adds the distribution's read grant to the bucket policy of each S3 origin among `origins`,
/// for the way it reaches them: its Origin Access Identity (Lambda@Edge), or its OAC's requests.
pub(crate) async fn grant(
    cx: &Cx<'_>,
    origins: &[OriginId],
    distribution: &DistributionRecord,
    access: Access,
) -> TaskResult<()> {
    let grantee = match (access, &distribution.origin_access_identity, &distribution.cloudfront) {
        (Access::Identity, Some(identity), _) => Grantee::Identity(identity),
        (Access::Oac, _, Some(cloudfront)) => Grantee::Distribution(&cloudfront.arn),
        _ => return Err(TaskError::Internal(format!("distribution {} has no {access:?} to grant", distribution.id))),
    };
    for id in origins {
        let Some(record) = cx.records().get::<OriginRecord>(id.as_str()).await? else { continue };
        let Some(bucket) = record.kind.bucket() else { continue };
        edit_policy(cx, &BucketRef::of(bucket), &distribution.id, |current| {
            bucket_policy::grant(current, &bucket.bucket_name, &distribution.id, grantee).map(|p| Some(Some(p)))
        })
        .await?;
    }
    Ok(())
}

/// Removes the distribution's grants from each of `origins` and its use of them.
pub(crate) async fn revoke_all(cx: &Cx<'_>, origins: &[OriginId], distribution: &DistributionId) -> TaskResult<()> {
    for origin in origins {
        revoke(cx, origin, distribution).await?;
    }
    Ok(())
}

/// Removes the distribution's grants of `only` (or all of them) from the bucket policy of each
/// S3 origin among `origins`, keeping its use of them.
pub(crate) async fn revoke_access(
    cx: &Cx<'_>,
    origins: &[OriginId],
    distribution: &DistributionId,
    only: Access,
) -> TaskResult<()> {
    for origin in origins {
        if let Some(record) = cx.records().get::<OriginRecord>(origin.as_str()).await? {
            revoke_grants(cx, &record, distribution, Some(only)).await?;
        }
    }
    Ok(())
}

async fn revoke_grants(
    cx: &Cx<'_>,
    origin: &OriginRecord,
    distribution: &DistributionId,
    only: Option<Access>,
) -> TaskResult<()> {
    if let Some(bucket) = BucketRef::of_origin(origin)
        && cx.ports.buckets.owner(&bucket).await? != BucketOwner::Missing
    {
        edit_policy(cx, &bucket, distribution, |current| match current {
            Some(p) if bucket_policy::has_grant(p, distribution, only) => {
                bucket_policy::revoke(current, distribution, only).map(Some)
            }
            _ => Ok(None),
        })
        .await?;
    }
    Ok(())
}

/// Removes the distribution's grants (an S3 origin's) and its use of the origin; a missing
/// origin is fine.
pub(crate) async fn revoke(cx: &Cx<'_>, origin: &OriginId, distribution: &DistributionId) -> TaskResult<()> {
    let Some(record) = cx.records().get::<OriginRecord>(origin.as_str()).await? else { return Ok(()) };
    revoke_grants(cx, &record, distribution, None).await?;
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
