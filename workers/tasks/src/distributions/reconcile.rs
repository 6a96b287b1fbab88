//! `reconcile` (scheduled): compare every distribution record with CloudFront, sync the
//! deployment status, report changes made outside cfm, and settle records (distributions,
//! origins, policies and edge functions) left busy by executions that are no longer running.
//!
//! CloudFront is read by pages of its list (100 distributions a call), not one call per
//! distribution: the list gives each one's status and the revision of its config, and only a
//! config whose revision moved since the last reconcile is read again to look for drift. A
//! steady fleet of 10,000 costs 100 list calls. Records are checked in batches of 16 at once.

use std::collections::HashMap;

use cfm_domain::distribution::{
    DeployStatus, DistributionRecord, DistributionStatus, ListedDistribution, LiveDistribution, drifted,
};
use cfm_domain::record::Claimed;
use cfm_events::RequestContext;
use cfm_events::distribution::{DistributionDriftDetected, DistributionStatusChanged};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::json;
use tracing::warn;

use super::access::desired;
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::machines::{RetireMachine, WithMachines};
use crate::recover::{DEFAULT_STALE_AFTER_SECONDS, Settling};

/// `reconcile`'s input.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileInput {
    /// How old a claim must be before its execution is checked (tests set 0).
    #[serde(default)]
    stale_after_seconds: Option<i64>,
}

/// Checks every distribution not busy with a workflow, and settles the busy ones whose
/// workflow ended without settling them.
pub async fn reconcile(
    cx: &Cx<'_>,
    WithMachines { input, machines }: WithMachines<ReconcileInput, RetireMachine>,
) -> TaskResult<TaskOutput> {
    let system = RequestContext::system("cfm-reconciler", cx.execution().as_str());
    let stale_after = input.stale_after_seconds.unwrap_or(DEFAULT_STALE_AFTER_SECONDS);
    let settling = Settling { cx, system: &system, stale_after, machines: &machines };
    let mut output = TaskOutput::none();
    let (mut checked, mut read) = (0, 0);
    let listed: HashMap<String, ListedDistribution> =
        cx.ports.cdn.list_distributions().await?.into_iter().map(|d| (d.id.to_string(), d)).collect();
    let records = cx.records().all::<DistributionRecord>().await?;
    // Records are checked in batches of FAN_OUT at once: the config reads a change needs, and
    // the writes, overlap, while the shared CloudFront rate limit still paces the reads.
    for batch in records.chunks(FAN_OUT) {
        let mut checks = Vec::with_capacity(batch.len());
        for record in batch {
            checks.push(check(&settling, &listed, record));
        }
        for checked_one in futures::future::join_all(checks).await {
            let Checked { events, counted, config_read } = checked_one?;
            checked += usize::from(counted);
            read += usize::from(config_read);
            for event in events {
                output = output.with_event(event);
            }
        }
    }
    let others = [
        settling.origins().await?,
        settling.policies().await?,
        settling.edge_functions().await?,
        settling.bulk_operations().await?,
    ];
    for recovered in others.into_iter().flatten() {
        output = output.with_event(recovered);
    }
    output.output = json!({ "checked": checked, "configsRead": read, "events": output.events.len() });
    Ok(output)
}

/// Records checked at once (a batch).
const FAN_OUT: usize = 16;

/// What checking one record came to.
struct Checked {
    events: Vec<cfm_events::OutgoingEvent>,
    counted: bool,
    config_read: bool,
}

/// Checks one record: a busy one is settled if its workflow ended; any other is synced with
/// what CloudFront's list shows, its config read again only if its revision moved.
async fn check(
    settling: &Settling<'_>,
    listed: &HashMap<String, ListedDistribution>,
    record: &DistributionRecord,
) -> TaskResult<Checked> {
    let nothing = Checked { events: Vec::new(), counted: false, config_read: false };
    if record.is_busy() {
        return Ok(Checked { events: settling.distribution(record).await?, ..nothing });
    }
    let Some(id) = record.cloudfront_id().filter(|_| record.status != DistributionStatus::Failed) else {
        return Ok(nothing);
    };
    let Some(seen) = listed.get(id.as_str()) else {
        warn!(distribution = %record.id, cloudfront = %id, "the distribution is gone from CloudFront");
        return Ok(Checked { counted: true, ..nothing });
    };
    let cx = settling.cx;
    let (drift, config_read) = if record.cloudfront_revision.as_ref() == Some(&seen.revision) {
        (record.drift.clone(), false)
    } else {
        match cx.ports.cdn.distribution(id).await? {
            Some(live) => (drift_of(cx, record, &live).await, true),
            None => return Ok(Checked { counted: true, config_read: true, ..nothing }),
        }
    };
    Ok(Checked { events: sync(cx, settling.system, record, seen, drift).await?, counted: true, config_read })
}

/// The settings where CloudFront's config differs from what the record's spec asks for.
async fn drift_of(cx: &Cx<'_>, record: &DistributionRecord, live: &LiveDistribution) -> Vec<String> {
    match desired(cx, &record.spec).await {
        Ok(wanted) => drifted(&live.settings, &wanted.settings()),
        Err(_) => Vec::new(),
    }
}

/// Brings one record in line with what CloudFront's list shows (and the drift found in its
/// config); returns the events saying what changed.
async fn sync(
    cx: &Cx<'_>,
    system: &RequestContext,
    record: &DistributionRecord,
    live: &ListedDistribution,
    drift: Vec<String>,
) -> TaskResult<Vec<cfm_events::OutgoingEvent>> {
    let previous = record.cloudfront_status;
    if previous == Some(live.status)
        && drift == record.drift
        && record.cloudfront_revision.as_ref() == Some(&live.revision)
    {
        return Ok(Vec::new());
    }
    cx.records()
        .update::<DistributionRecord, TaskError>(record.id.as_str(), cx.now(), |r| {
            if r.is_busy() {
                return Ok(()); // a workflow started meanwhile; it owns the record now
            }
            r.cloudfront_status = Some(live.status);
            r.cloudfront_revision = Some(live.revision.clone());
            if r.status == DistributionStatus::InProgress && live.status == DeployStatus::Deployed {
                r.status = DistributionStatus::Deployed;
            }
            r.drift = drift.clone();
            Ok(())
        })
        .await?;
    let mut events = Vec::new();
    if previous != Some(live.status) {
        let changed = DistributionStatusChanged {
            distribution_id: record.id.clone(),
            previous: previous.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            current: live.status.as_str().to_owned(),
        };
        events.push(cx.event(system, &changed));
    }
    if !drift.is_empty() && drift != record.drift {
        events.push(cx.event(system, &DistributionDriftDetected { distribution_id: record.id.clone(), fields: drift }));
    }
    Ok(events)
}
