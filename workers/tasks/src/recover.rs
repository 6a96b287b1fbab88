//! Settling records left claimed by an execution that is no longer running (aborted from the
//! console, timed out, or failed in the very state that records its outcome). The scheduled
//! reconcile runs this; each record is settled from what AWS shows, with an event.

use cfm_aws::TaskError;
use cfm_aws::s3::{BucketOwner, OriginBucket};
use cfm_aws::sfn::StepFunctions;
use cfm_core::claim::Claim;
use cfm_core::distribution_record::{DistributionRecord, DistributionStatus};
use cfm_core::origin_record::{OriginRecord, OriginStatus, RecordedError};
use cfm_events::distribution::DistributionRecovered;
use cfm_events::origin::{OriginRecovered, RequestContext};
use cfm_events::{ErrorName, OutgoingEvent, TaskContext};
use chrono::{DateTime, Utc};

use crate::Deps;
use crate::distributions::revoke_origin_access;
use crate::input::{event, now};

/// How long a claim may exist before its execution is looked at: the API claims a record just
/// before it starts the execution, so a younger claim may have no execution yet.
pub const DEFAULT_STALE_AFTER_SECONDS: i64 = 300;

/// How a claim's execution ended, or `None` while it runs (or the claim is too young to judge).
async fn ended(deps: &Deps, claim: &Claim, stale_after: i64) -> Result<Option<String>, TaskError> {
    let since = DateTime::parse_from_rfc3339(&claim.since).map(|t| t.with_timezone(&Utc)).unwrap_or_default();
    if (Utc::now() - since).num_seconds() < stale_after {
        return Ok(None);
    }
    Ok(match StepFunctions::new(&deps.aws).find(&claim.execution).await? {
        None => Some("MISSING".to_owned()),
        Some(view) if view.status == "RUNNING" => None,
        Some(view) => Some(view.status),
    })
}

fn note(claim: &Claim, how: &str, what: &str) -> RecordedError {
    RecordedError {
        error: ErrorName::WorkflowFailed.as_str().to_owned(),
        cause: format!("{} ({}) ended {how} before finishing; {what}", claim.workflow, claim.execution),
    }
}

/// Settles a distribution whose claiming execution ended; returns the event saying so.
pub async fn distribution(
    deps: &Deps,
    ctx: &TaskContext,
    system: &RequestContext,
    record: &DistributionRecord,
    stale_after: i64,
) -> Result<Option<OutgoingEvent>, TaskError> {
    let Some(claim) = record.claim.held_claim().cloned() else { return Ok(None) };
    let Some(how) = ended(deps, &claim, stale_after).await? else { return Ok(None) };
    let live = match &record.cloudfront_id {
        Some(id) => deps.cloudfront.live(id).await?,
        None => None,
    };
    let from_live = |l: &cfm_aws::cloudfront::Live| {
        if l.status == "Deployed" { DistributionStatus::Deployed } else { DistributionStatus::InProgress }
    };
    let current = if claim.workflow == "delete-distribution" && live.is_none() {
        // The deletion reached CloudFront: finish it.
        revoke_origin_access(deps, record.origin_id(), &record.id).await?;
        deps.store.delete::<DistributionRecord>(&record.id).await?;
        "DELETED".to_owned()
    } else {
        let (status, what) = match (&live, claim.workflow.as_str()) {
            (Some(l), "update-distribution") => {
                (from_live(l), "CloudFront keeps what it applied; reconcile reports any drift from the spec")
            }
            (Some(l), "delete-distribution") => (from_live(l), "the distribution still exists: delete it again"),
            (Some(_), _) => (DistributionStatus::Failed, "the CloudFront distribution exists: delete it to remove it"),
            (None, _) => (DistributionStatus::Failed, "CloudFront has no distribution for it"),
        };
        let recorded = note(&claim, &how, what);
        let enabled = live.as_ref().map(|l| l.config.enabled);
        deps.store
            .update::<DistributionRecord, _>(&record.id, &now(), |r| {
                if r.settle(&claim.execution, status) {
                    r.spec.enabled = enabled.or(r.spec.enabled);
                    r.last_error = Some(recorded.clone());
                }
                Ok(())
            })
            .await?;
        status.as_str().to_owned()
    };
    let recovered = DistributionRecovered {
        distribution_id: record.id.clone(),
        execution_arn: claim.execution.clone(),
        execution_status: how,
        previous: record.status.as_str().to_owned(),
        current,
    };
    Ok(Some(event(ctx, system, &recovered)))
}

/// Settles every origin whose claiming execution ended; returns the events saying so.
pub async fn origins(
    deps: &Deps,
    ctx: &TaskContext,
    system: &RequestContext,
    stale_after: i64,
) -> Result<Vec<OutgoingEvent>, TaskError> {
    let mut events = Vec::new();
    let mut token = None;
    loop {
        let page = deps.store.list::<OriginRecord>(100, token.as_deref(), None).await?;
        for record in page.items {
            let Some(claim) = record.claim.held_claim().cloned() else { continue };
            let Some(how) = ended(deps, &claim, stale_after).await? else { continue };
            let bucket = OriginBucket::new(&deps.aws, &record.bucket_name, &record.region);
            let exists = bucket.owner().await? != BucketOwner::Missing;
            let (status, what) = match (claim.workflow.as_str(), exists, record.oac_id.is_some()) {
                ("update-origin", ..) => (OriginStatus::Active, "its bucket keeps what was applied"),
                ("delete-origin", true, true) => (OriginStatus::Active, "its bucket and OAC still exist"),
                ("delete-origin", false, _) => {
                    (OriginStatus::DeleteFailed, "its bucket is gone: delete it again to finish")
                }
                _ => (OriginStatus::Failed, "delete it (emptyBucket=true) to remove what was made"),
            };
            let recorded = note(&claim, &how, what);
            deps.store
                .update::<OriginRecord, _>(&record.id, &now(), |r| {
                    if r.settle(&claim.execution, status) {
                        r.last_error = Some(recorded.clone());
                    }
                    Ok(())
                })
                .await?;
            let recovered = OriginRecovered {
                origin_id: record.id.clone(),
                execution_arn: claim.execution.clone(),
                execution_status: how,
                previous: record.status.as_str().to_owned(),
                current: status.as_str().to_owned(),
            };
            events.push(event(ctx, system, &recovered));
        }
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(events),
        }
    }
}
