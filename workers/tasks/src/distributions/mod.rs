//! The distribution workflows' tasks: create, update, delete, invalidate, reconcile, the
//! shared deployment poll, and what a distribution has outside CloudFront (alias records, alarm).

mod access;
pub mod attached;
pub mod create;
pub mod delete;
pub mod edge;
pub mod invalidate;
pub mod poll;
pub mod reconcile;
pub mod retire;
pub mod update;

use cfm_domain::distribution::{DistributionRecord, DistributionStatus};
use cfm_domain::failure::Failure;
use cfm_domain::record::Claimed;
use cfm_domain::values::{CloudFrontId, DistributionId};
use cfm_ports::cdn::{Applied, Deletion};
use tracing::warn;

pub(crate) use access::{desired, revoke_all, use_policies};

use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};

/// CloudFront's id for the distribution, which it must have by now.
fn cloudfront_id(record: &DistributionRecord) -> TaskResult<CloudFrontId> {
    record
        .cloudfront_id()
        .cloned()
        .ok_or_else(|| TaskError::Conflict(format!("distribution {} has no CloudFront distribution yet", record.id)))
}

/// A change CloudFront took (or already had); one that kept losing to other writers is not
/// yet done.
pub(crate) fn applied(outcome: Applied, id: &CloudFrontId) -> TaskResult<()> {
    match outcome {
        Applied::Changed | Applied::Unchanged => Ok(()),
        Applied::Contended => Err(TaskError::NotYet(format!("distribution {id} kept changing while updating it"))),
    }
}

/// A deletion CloudFront took; one it refused because the distribution is still enabled or
/// deploying is not yet done.
fn deleted(outcome: Deletion, id: &CloudFrontId) -> TaskResult<()> {
    match outcome {
        Deletion::Deleted => Ok(()),
        Deletion::NotDisabled => Err(TaskError::NotYet(format!("distribution {id} is not disabled and deployed yet"))),
        Deletion::Contended => Err(TaskError::NotYet(format!("distribution {id} kept changing while deleting it"))),
    }
}

/// Records a failed change and ends this execution's claim: the status goes back to what
/// CloudFront shows (so the next attempt can proceed), `enabled` follows CloudFront, and the
/// failure is kept. If CloudFront cannot be read the record is settled anyway (as deploying);
/// reconcile corrects it later.
async fn record_failed_change(cx: &Cx<'_>, id: &DistributionId, failure: &Failure) -> TaskResult<()> {
    let Some(record) = cx.records().get::<DistributionRecord>(id.as_str()).await? else { return Ok(()) };
    if !record.is_mine(cx.execution().as_str()) {
        return Ok(());
    }
    let live = match record.cloudfront_id() {
        Some(cloudfront) => cx.ports.cdn.distribution(cloudfront).await.unwrap_or_else(|err| {
            warn!(%err, "could not read CloudFront while recording a failure");
            None
        }),
        None => None,
    };
    let status = DistributionStatus::settled(live.as_ref().map(|l| l.status));
    cx.settle_failed::<DistributionRecord>(id.as_str(), status, failure, |r| {
        if let Some(live) = &live {
            r.spec.enabled = live.settings.enabled;
        }
    })
    .await?;
    Ok(())
}
