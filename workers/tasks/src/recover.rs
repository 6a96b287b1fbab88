//! Settling records left claimed by an execution that is no longer running (aborted from the
//! console, timed out, or failed in the very state that records its outcome). The scheduled
//! reconcile runs this; each record is settled from what AWS shows, with an event.

use cfm_domain::bulk::{BulkRecord, BulkStatus};
use cfm_domain::claim::Claim;
use cfm_domain::distribution::{DeployStatus, DistributionRecord, DistributionStatus, LiveDistribution};
use cfm_domain::edge::{EdgeBinding, EdgeFunctionRecord, EdgeFunctionStatus};
use cfm_domain::error_name::ErrorName;
use cfm_domain::failure::Failure;
use cfm_domain::origin::{OriginRecord, OriginStatus};
use cfm_domain::policy::{PolicyRecord, PolicyStatus};
use cfm_domain::record::Record;
use cfm_events::bulk::BulkOperationFailed;
use cfm_events::distribution::DistributionRecovered;
use cfm_events::origin::OriginRecovered;
use cfm_events::policy::PolicyRecovered;
use cfm_events::{OutgoingEvent, RequestContext};
use cfm_ports::buckets::{BucketOwner, BucketRef};
use cfm_ports::workflows::ExecutionStatus;

use crate::cx::Cx;
use crate::distributions::edge::every_function;
use crate::distributions::retire::{Retirement, retire_failed};
use crate::distributions::{revoke_all, use_policies};
use crate::error::{TaskError, TaskResult};
use crate::machines::RetireMachine;

/// How long a claim may exist before its execution is looked at: the API claims a record just
/// before it starts the execution, so a younger claim may have no execution yet.
pub(crate) const DEFAULT_STALE_AFTER_SECONDS: i64 = 300;

/// How a claim's execution ended, or `None` while it runs (or the claim is too young to judge).
async fn ended(cx: &Cx<'_>, claim: &Claim, stale_after: i64) -> TaskResult<Option<String>> {
    if cx.now().seconds_since(claim.since) < stale_after {
        return Ok(None);
    }
    Ok(match cx.ports.workflows.execution(&claim.execution).await? {
        None => Some("MISSING".to_owned()),
        Some(execution) if execution.status == ExecutionStatus::Running => None,
        Some(execution) => Some(execution.status.as_str().to_owned()),
    })
}

fn note(claim: &Claim, how: &str, what: &str) -> Failure {
    let cause = format!("{} ({}) ended {how} before finishing; {what}", claim.workflow, claim.execution);
    Failure::new(ErrorName::WorkflowFailed.as_str(), cause)
}

/// What the reconciler knows about each record it settles.
pub(crate) struct Settling<'a> {
    /// The reconcile task.
    pub(crate) cx: &'a Cx<'a>,
    /// The reconciler, as the actor of its events.
    pub(crate) system: &'a RequestContext,
    /// Claims younger than this are left alone.
    pub(crate) stale_after: i64,
    /// The state machine that retires edge functions.
    pub(crate) machines: &'a RetireMachine,
}

impl Settling<'_> {
    /// Edge functions the ended execution of `claim` let go of, retired by the reconciler.
    fn retirement<'b>(&'b self, claim: &'b Claim) -> Retirement<'b> {
        Retirement { machine: self.machines, request: self.system, releasing: &claim.execution }
    }

    fn recovered<T: cfm_events::EventDetail>(&self, data: &T) -> OutgoingEvent {
        self.cx.event(self.system, data)
    }

    /// Settles a distribution whose claiming execution ended (handing the edge functions it let
    /// go of to `retire-edge-function`); returns the events saying so.
    pub(crate) async fn distribution(&self, record: &DistributionRecord) -> TaskResult<Vec<OutgoingEvent>> {
        let cx = self.cx;
        let Some(claim) = record.meta.claim.held_claim().cloned() else { return Ok(Vec::new()) };
        let Some(how) = ended(cx, &claim, self.stale_after).await? else { return Ok(Vec::new()) };
        let live = match record.cloudfront_id() {
            Some(id) => cx.ports.cdn.distribution(id).await?,
            None => None,
        };
        let current = if claim.workflow == "delete-distribution" && live.is_none() {
            // The deletion reached CloudFront: finish it.
            self.retirement(&claim).start(cx, &every_function(record)).await?;
            revoke_all(cx, &record.spec.origins, &record.id).await?;
            use_policies(cx, &record.id, &[], &record.spec.policies()).await?;
            cx.records().delete::<DistributionRecord>(record.id.as_str()).await?;
            "DELETED".to_owned()
        } else {
            let settled = |l: &LiveDistribution| DistributionStatus::settled(Some(l.status));
            let (status, what) = match (&live, claim.workflow.as_str()) {
                (Some(l), "update-distribution" | "replicate-edge-function") => {
                    (settled(l), "CloudFront keeps what it applied; reconcile reports any drift from the spec")
                }
                (Some(l), "delete-distribution") => (settled(l), "the distribution still exists: delete it again"),
                (Some(_), _) => {
                    (DistributionStatus::Failed, "the CloudFront distribution exists: delete it to remove it")
                }
                (None, _) => (DistributionStatus::Failed, "CloudFront has no distribution for it"),
            };
            let failure = note(&claim, &how, what);
            cx.settle_failed_as::<DistributionRecord>(
                record.id.as_str(),
                claim.execution.as_str(),
                status,
                &failure,
                |r| {
                    if let Some(live) = &live {
                        r.spec.enabled = live.settings.enabled;
                    }
                },
            )
            .await?;
            if matches!(claim.workflow.as_str(), "update-distribution" | "replicate-edge-function") {
                // The stored spec is what CloudFront serves (or will be reported as drift from).
                use_policies(cx, &record.id, &record.spec.policies(), &[]).await?;
                self.settle_functions(record, &claim, live.as_ref()).await?;
            }
            status.as_str().to_owned()
        };
        Ok(vec![self.recovered(&DistributionRecovered {
            distribution_id: record.id.clone(),
            execution_arn: claim.execution.clone(),
            execution_status: how,
            previous: record.status.as_str().to_owned(),
            current,
        })])
    }

    /// An ended routing change's functions go to `retire-edge-function`: the one it published,
    /// if CloudFront never took the change, and the one it replaced, once CloudFront has
    /// deployed it.
    async fn settle_functions(
        &self,
        record: &DistributionRecord,
        claim: &Claim,
        live: Option<&LiveDistribution>,
    ) -> TaskResult<()> {
        let deployed = live.is_some_and(|l| l.status == DeployStatus::Deployed);
        let settled: Vec<_> = record
            .pending_edge_function
            .iter()
            .chain(record.retiring_edge_function.iter().filter(|_| deployed))
            .map(|b| b.id.clone())
            .collect();
        self.retirement(claim).start(self.cx, &settled).await?;
        self.cx
            .records()
            .update::<DistributionRecord, TaskError>(record.id.as_str(), self.cx.now(), |r| {
                let gone = |b: &Option<EdgeBinding>| b.as_ref().is_some_and(|b| settled.contains(&b.id));
                if gone(&r.pending_edge_function) {
                    r.pending_edge_function = None;
                }
                if gone(&r.retiring_edge_function) {
                    r.retiring_edge_function = None;
                }
                Ok(())
            })
            .await?;
        Ok(())
    }

    /// Settles every edge function whose retirement ended unfinished: it stays in CloudFront,
    /// recorded `RETIRE_FAILED`.
    pub(crate) async fn edge_functions(&self) -> TaskResult<Vec<OutgoingEvent>> {
        let cx = self.cx;
        let mut events = Vec::new();
        for record in cx.records().all::<EdgeFunctionRecord>().await? {
            let Some(claim) = record.meta.claim.held_claim().filter(|c| c.workflow == "retire-edge-function").cloned()
            else {
                continue;
            };
            let Some(how) = ended(cx, &claim, self.stale_after).await? else { continue };
            let failure = note(
                &claim,
                &how,
                "the function may still be in CloudFront: delete it there once no distribution runs it",
            );
            let status = EdgeFunctionStatus::RetireFailed;
            if cx
                .settle_failed_as::<EdgeFunctionRecord>(record.id(), claim.execution.as_str(), status, &failure, |_| ())
                .await?
            {
                events.push(self.recovered(&retire_failed(&record, failure)));
            }
        }
        Ok(events)
    }

    /// Settles every origin whose claiming execution ended; returns the events saying so.
    /// Bulk operations whose execution ended without finishing: `FAILED`, announced. Their
    /// items' own executions run on; a retry runs the ones that failed or were never reached.
    pub(crate) async fn bulk_operations(&self) -> TaskResult<Vec<OutgoingEvent>> {
        let cx = self.cx;
        let mut events = Vec::new();
        for record in cx.records().all::<BulkRecord>().await? {
            let Some(claim) = record.meta.claim.held_claim().cloned() else { continue };
            let Some(how) = ended(cx, &claim, self.stale_after).await? else { continue };
            let failure = note(&claim, &how, "items it started run on; retry it for the rest");
            let execution = claim.execution.as_str();
            cx.settle_failed_as::<BulkRecord>(record.id(), execution, BulkStatus::Failed, &failure, |_| ()).await?;
            events.push(self.recovered(&BulkOperationFailed { bulk_id: record.id.clone(), failure }));
        }
        Ok(events)
    }

    pub(crate) async fn origins(&self) -> TaskResult<Vec<OutgoingEvent>> {
        let cx = self.cx;
        let mut events = Vec::new();
        for record in cx.records().all::<OriginRecord>().await? {
            let Some(claim) = record.meta.claim.held_claim().cloned() else { continue };
            let Some(how) = ended(cx, &claim, self.stale_after).await? else { continue };
            let exists = match BucketRef::of_origin(&record) {
                Some(bucket) => cx.ports.buckets.owner(&bucket).await? != BucketOwner::Missing,
                None => true,
            };
            let has_access = record.oac_id.is_some() || record.kind.bucket().is_none();
            let (status, what) = match (claim.workflow.as_str(), exists, has_access) {
                ("update-origin", ..) if record.kind.bucket().is_some() => {
                    (OriginStatus::Active, "its bucket keeps what was applied")
                }
                ("update-origin", ..) => (OriginStatus::Active, "its settings stay as they were; update it again"),
                ("delete-origin", true, true) => (OriginStatus::Active, "its bucket and OAC still exist"),
                ("delete-origin", false, _) => {
                    (OriginStatus::DeleteFailed, "its bucket is gone: delete it again to finish")
                }
                _ => (OriginStatus::Failed, "delete it (emptyBucket=true) to remove what was made"),
            };
            let failure = note(&claim, &how, what);
            let drop_staged = |r: &mut OriginRecord| r.staged_headers = None;
            cx.settle_failed_as::<OriginRecord>(record.id(), claim.execution.as_str(), status, &failure, drop_staged)
                .await?;
            events.push(self.recovered(&OriginRecovered {
                origin_id: record.id.clone(),
                execution_arn: claim.execution.clone(),
                execution_status: how,
                previous: record.status.as_str().to_owned(),
                current: status.as_str().to_owned(),
            }));
        }
        Ok(events)
    }

    /// Settles every policy whose claiming execution ended; returns the events saying so.
    pub(crate) async fn policies(&self) -> TaskResult<Vec<OutgoingEvent>> {
        let cx = self.cx;
        let mut events = Vec::new();
        for record in cx.records().all::<PolicyRecord>().await? {
            let Some(claim) = record.meta.claim.held_claim().cloned() else { continue };
            let Some(how) = ended(cx, &claim, self.stale_after).await? else { continue };
            // What CloudFront has decides, not the record: a create may have made the policy
            // unrecorded, a delete may have removed it.
            let found = crate::policies::named(cx, &record).await?.own();
            let current = if claim.workflow == "delete-policy" && found.is_none() {
                cx.records().delete::<PolicyRecord>(record.id()).await?;
                "DELETED".to_owned()
            } else {
                let (status, what) = match (claim.workflow.as_str(), &found) {
                    ("update-policy", _) => (PolicyStatus::Active, "CloudFront keeps what it applied; update it again"),
                    (_, Some(_)) => (PolicyStatus::Active, "CloudFront has the policy (delete it again to remove it)"),
                    (_, None) => {
                        (PolicyStatus::Failed, "CloudFront has no policy for it: delete it to remove the record")
                    }
                };
                let failure = note(&claim, &how, what);
                let keep_id = |r: &mut PolicyRecord| {
                    if found.is_some() {
                        r.cloudfront_id.clone_from(&found);
                    }
                };
                cx.settle_failed_as::<PolicyRecord>(record.id(), claim.execution.as_str(), status, &failure, keep_id)
                    .await?;
                status.as_str().to_owned()
            };
            events.push(self.recovered(&PolicyRecovered {
                policy_id: record.id.clone(),
                execution_arn: claim.execution.clone(),
                execution_status: how,
                previous: record.status.as_str().to_owned(),
                current,
            }));
        }
        Ok(events)
    }
}
