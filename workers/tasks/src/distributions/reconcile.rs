//! `reconcile` (scheduled): compare every distribution record with CloudFront, sync the
//! deployment status, report changes made outside cfm, and settle records (distributions and
//! origins) left busy by executions that are no longer running.

use cfm_aws::TaskError;
use cfm_aws::cloudfront::convert::{build_config, drifted_fields};
use cfm_core::distribution_record::{DistributionRecord, DistributionStatus};
use cfm_events::TaskContext;
use cfm_events::distribution::{DistributionDriftDetected, DistributionStatusChanged};
use cfm_events::origin::RequestContext;
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::{Value, json};
use tracing::warn;

use super::origin_target;
use crate::input::{event, now, parse};
use crate::{Deps, recover};

const PAGE: i32 = 100;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ReconcileInput {
    /// How old a claim must be before its execution is checked (tests set 0).
    #[serde(default)]
    stale_after_seconds: Option<i64>,
}

/// Checks every distribution not busy with a workflow, and settles the busy ones whose
/// workflow ended without settling them.
pub async fn reconcile(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let stale_after = parse::<ReconcileInput>(input)
        .unwrap_or_default()
        .stale_after_seconds
        .unwrap_or(recover::DEFAULT_STALE_AFTER_SECONDS);
    let system = RequestContext { actor: "cfm-reconciler".into(), correlation_id: ctx.execution.clone() };
    let mut output = TaskOutput::none();
    let (mut checked, mut token) = (0, None);
    loop {
        let page = deps.store.list::<DistributionRecord>(PAGE, token.as_deref(), None).await?;
        for record in page.items {
            if record.claim.is_held() {
                if let Some(recovered) = recover::distribution(deps, ctx, &system, &record, stale_after).await? {
                    output = output.with_event(recovered);
                }
                continue;
            }
            if record.status == DistributionStatus::Failed {
                continue;
            }
            let Some(id) = record.cloudfront_id.clone() else { continue };
            checked += 1;
            let Some(live) = deps.cloudfront.live(&id).await? else {
                warn!(distribution = record.id, cloudfront = id, "the distribution is gone from CloudFront");
                continue;
            };
            let previous = record.cloudfront_status.clone().unwrap_or_default();
            let drift = match origin_target(deps, record.origin_id()).await {
                Ok((_, target)) => build_config(&record.spec, &target, &live.config.caller_reference)
                    .map(|desired| drifted_fields(&live.config, &desired))
                    .unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            if previous == live.status && drift == record.drift {
                continue;
            }
            deps.store
                .update::<DistributionRecord, _>(&record.id, &now(), |r| {
                    if r.claim.is_held() {
                        return Ok(()); // a workflow started meanwhile; it owns the record now
                    }
                    r.cloudfront_status = Some(live.status.clone());
                    if r.status == DistributionStatus::InProgress && live.status == "Deployed" {
                        r.status = DistributionStatus::Deployed;
                    }
                    r.drift = drift.clone();
                    Ok(())
                })
                .await?;
            if previous != live.status {
                let changed = DistributionStatusChanged {
                    distribution_id: record.id.clone(),
                    previous,
                    current: live.status.clone(),
                };
                output = output.with_event(event(ctx, &system, &changed));
            }
            if !drift.is_empty() && drift != record.drift {
                let detected = DistributionDriftDetected { distribution_id: record.id.clone(), fields: drift };
                output = output.with_event(event(ctx, &system, &detected));
            }
        }
        match page.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    for recovered in recover::origins(deps, ctx, &system, stale_after).await? {
        output = output.with_event(recovered);
    }
    output.output = json!({ "checked": checked, "events": output.events.len() });
    Ok(output)
}
