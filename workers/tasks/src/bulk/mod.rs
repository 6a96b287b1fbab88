//! `bulk-operation`: rounds over a bulk operation's items until every one is over, then the
//! summary. Each round (`AdvanceBulkOperation`) goes through the chunks not yet settled: it
//! invalidates pending distributions itself (each call through the shared CloudFront rate
//! limit), or starts an `update-distribution` execution for each (at most [`MAX_RUNNING`] at
//! a time) and checks the ones running. It saves each chunk and the record's counts as it
//! goes, so progress shows while it runs and a redelivered round carries on where the last
//! left off.

mod items;

use std::time::{Duration, Instant};

use cfm_domain::bulk::{BulkRecord, Pace, Progress};
use cfm_domain::claim::Busy;
use cfm_domain::record::Claimed;
use cfm_events::bulk::{BulkInput, BulkOperationCompleted, BulkOperationFailed};
use cfm_ports::bulk_items::versions_for;
use cfm_runtime::TaskOutput;
use serde::Deserialize;

use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;
use crate::machines::{UpdateMachine, WithMachines};

/// How long one round works before it hands back to the state machine (inside the worker
/// Lambda's 60 s, with room for the last call; the worker heartbeats meanwhile).
pub const ROUND_TIME: Duration = Duration::from_secs(30);
/// `update-distribution` executions one bulk operation runs at once.
pub const MAX_RUNNING: usize = 25;

/// `bulk-operation`'s input with its pace at `$.pace`.
#[derive(Debug, Deserialize)]
pub struct Paced {
    /// The workflow's input.
    #[serde(flatten)]
    pub input: BulkInput,
    /// Where the rounds are.
    pub pace: Pace,
}

/// `AdvanceBulkOperation`'s input.
pub type AdvanceInput = WithMachines<Paced, UpdateMachine>;

/// One round over the open chunks. Returns the next pace.
pub async fn advance(
    cx: &Cx<'_>,
    WithMachines { input: Paced { input, pace }, machines }: AdvanceInput,
) -> TaskResult<TaskOutput> {
    let record: BulkRecord = cx.require(input.bulk_id.as_str()).await?;
    if record.finished_by(cx.execution().as_str())? {
        return Ok(output(Pace { done: true, ..pace }));
    }
    let versions = versions_for(cx.ports.store.as_ref(), &record.action).await?;
    let mut round = items::Round {
        cx,
        action: &record.action,
        versions: &versions,
        machines: &machines,
        request: &input.request,
        deadline: Instant::now() + ROUND_TIME,
        last: pace.last_round(),
        cancel: record.cancel_requested,
        running: record.progress().running,
        progressed: false,
        more_now: false,
    };
    let mut progress = record.progress();
    for n in record.open_chunk()..record.chunks.len() as u32 {
        let mut items = cx.ports.bulk_items().chunk(&record.id, n).await?;
        let before = items.clone();
        round.step_all(&mut items).await?;
        if items == before {
            continue;
        }
        cx.ports.bulk_items().save(&record.id, n, &items).await?;
        let counted = Progress::of(&items);
        let updated = cx
            .records()
            .update::<BulkRecord, Busy>(record.id.as_str(), cx.now(), |r| {
                r.check_claim(cx.execution().as_str())?;
                r.chunk_counted(n, counted);
                Ok(())
            })
            .await
            .map_err(|e| TaskError::Conflict(e.to_string()))?;
        // A cancel asked for meanwhile stops the rest of this round too.
        round.cancel = updated.cancel_requested;
        progress = updated.progress();
    }
    let done = progress.settled();
    Ok(output(pace.next(done, round.progressed, round.more_now && !done)))
}

fn output(pace: Pace) -> TaskOutput {
    TaskOutput::value(serde_json::to_value(pace).unwrap_or_default())
}

fn completed(record: &BulkRecord) -> BulkOperationCompleted {
    let p = record.progress();
    BulkOperationCompleted {
        bulk_id: record.id.clone(),
        kind: record.action.kind().to_owned(),
        status: record.status,
        total: p.total,
        done: p.done,
        failed: p.failed,
        skipped: p.skipped,
        retry_of: record.retry_of.clone(),
    }
}

/// Ends the operation in the status its counts give, and announces it.
pub async fn finalize(cx: &Cx<'_>, input: BulkInput) -> TaskResult<TaskOutput> {
    let execution = cx.execution().as_str();
    let record = cx
        .records()
        .update::<BulkRecord, Busy>(input.bulk_id.as_str(), cx.now(), |r| {
            let status = r.ended_status();
            r.finish(execution, status).map(|_| ())
        })
        .await
        .map_err(|e| TaskError::Conflict(e.to_string()))?;
    let summary = completed(&record);
    let output = serde_json::to_value(&summary).map_err(|e| TaskError::Internal(e.to_string()))?;
    Ok(TaskOutput::value(output).with_event(cx.event(&input.request, &summary)))
}

/// Records that the execution failed. Items it started run on to their own end; a re-run
/// picks up those that failed or were never reached.
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<BulkInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    cx.settle_failed::<BulkRecord>(input.bulk_id.as_str(), cfm_domain::bulk::BulkStatus::Failed, &failure, |_| ())
        .await?;
    let event = BulkOperationFailed { bulk_id: input.bulk_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
