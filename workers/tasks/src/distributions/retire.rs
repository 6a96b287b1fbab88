//! Retiring edge functions. A workflow that lets go of one (a deleted distribution, a routing
//! changed or removed, a failed change's) hands it to a `retire-edge-function` execution, which
//! deletes it once CloudFront lets go: "in use" (still associated, Lambda@Edge replicas not yet
//! gone) is "not yet", tried again after a backoff, each attempt recorded with an event.

use cfm_domain::claim::Claim;
use cfm_domain::edge::{EdgeFunctionRecord, EdgeFunctionStatus, RoutingMode};
use cfm_domain::record::Claimed;
use cfm_domain::values::{EdgeFunctionId, ExecutionArn, execution_name};
use cfm_events::RequestContext;
use cfm_events::edge::{
    EdgeFunctionRetireDeferred, EdgeFunctionRetireFailed, EdgeFunctionRetired, RetireEdgeFunctionInput,
};
use cfm_ports::cdn::FunctionDeletion;
use cfm_ports::workflows::Start;
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use tracing::info;

use super::poll::Poll;
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;
use crate::machines::RetireMachine;

const WORKFLOW: &str = "retire-edge-function";

/// Who lets go of edge functions: the state machine that retires them, the request for their
/// events, and the execution that held them (this task's, or an ended one the reconciler settles).
pub(crate) struct Retirement<'a> {
    /// `retire-edge-function`.
    pub(crate) machine: &'a RetireMachine,
    /// The request the retirement's events belong to.
    pub(crate) request: &'a RequestContext,
    /// The execution letting go of them.
    pub(crate) releasing: &'a ExecutionArn,
}

/// Hands the edge function `id` to a `retire-edge-function` execution named after this task's
/// (so a redelivery finds it). One retired already, or held by another retirement, is left alone.
async fn start_retirement(cx: &Cx<'_>, by: &Retirement<'_>, id: &EdgeFunctionId) -> TaskResult<()> {
    let machine = by.machine;
    let name = execution_name(WORKFLOW, id.as_str(), Some(cx.execution().as_str()));
    let execution = ExecutionArn::of(&machine.retire_edge_function, &name);
    let claim = Claim::new(&execution, WORKFLOW, cx.now());
    let releasing = by.releasing.as_str();
    let mut handed = Ok(false);
    let updated = cx
        .records()
        .update::<EdgeFunctionRecord, TaskError>(id.as_str(), cx.now(), |e| {
            handed = e.retire_by(claim.clone(), releasing);
            Ok(())
        })
        .await;
    match (updated, handed) {
        (Err(cfm_ports::store::UpdateError::Missing(_)), _) | (Ok(_), Ok(false)) => return Ok(()),
        (Ok(_), Err(busy)) => {
            info!(edge_function = %id, "{busy}; its retirement is under way");
            return Ok(());
        }
        (Ok(_), Ok(true)) => {}
        (Err(err), _) => return Err(err.into()),
    }
    let input = RetireEdgeFunctionInput { edge_function_id: id.clone(), request: by.request.clone() };
    let input = serde_json::to_value(&input).map_err(|e| TaskError::Internal(e.to_string()))?;
    match cx.ports.workflows.start(&machine.retire_edge_function, &name, &input).await? {
        Start::Started { .. } => Ok(()),
        Start::NameReused => Err(TaskError::Internal(format!("execution {name} exists with another input"))),
    }
}

impl Retirement<'_> {
    /// Hands each of `ids` to a `retire-edge-function` execution.
    pub(crate) async fn start(&self, cx: &Cx<'_>, ids: &[EdgeFunctionId]) -> TaskResult<()> {
        for id in ids {
            start_retirement(cx, self, id).await?;
        }
        Ok(())
    }
}

/// [`Retirement::start`] by this task's execution.
pub(crate) async fn start_retirements(
    cx: &Cx<'_>,
    machine: &RetireMachine,
    ids: &[EdgeFunctionId],
    request: &RequestContext,
) -> TaskResult<()> {
    Retirement { machine, request, releasing: cx.execution() }.start(cx, ids).await
}

/// `retire-edge-function`'s state at `RetireEdgeFunction`.
#[derive(Deserialize)]
pub struct RetireInput {
    /// The workflow's input.
    #[serde(flatten)]
    input: RetireEdgeFunctionInput,
    /// The Wait loop.
    poll: Poll,
}

/// `RetireEdgeFunction`: deletes the function, or finds it still in use and says when to try
/// again; gives up (`cfm.FunctionInUse`) after the loop's limit of attempts.
pub async fn retire(cx: &Cx<'_>, RetireInput { input, poll }: RetireInput) -> TaskResult<TaskOutput> {
    let id = input.edge_function_id.as_str();
    let edge: EdgeFunctionRecord = cx.require(id).await?;
    let execution = cx.execution().as_str();
    if edge.finished_by(execution)? {
        return Ok(poll.next(true)?.output());
    }
    let deletion = match edge.mode {
        RoutingMode::CloudFrontFunction => cx.ports.cdn.delete_function(&edge.name).await?,
        RoutingMode::LambdaEdge => cx.ports.lambdas.delete(&edge.name).await?,
    };
    if deletion == FunctionDeletion::Deleted {
        cx.records()
            .update::<EdgeFunctionRecord, TaskError>(id, cx.now(), |e| {
                e.finish(execution, EdgeFunctionStatus::Retired)?;
                Ok(())
            })
            .await?;
        let retired = EdgeFunctionRetired {
            edge_function_id: edge.id.clone(),
            distribution_id: edge.distribution_id.clone(),
            name: edge.name.clone(),
        };
        return Ok(poll.next(true)?.output().with_event(cx.event(&input.request, &retired)));
    }
    let attempt = poll.attempt + 1;
    cx.records()
        .update::<EdgeFunctionRecord, TaskError>(id, cx.now(), |e| {
            e.check_claim(execution)?;
            e.retire_attempts = attempt;
            Ok(())
        })
        .await?;
    let next = poll.next(false).map_err(|_| {
        TaskError::FunctionInUse(format!(
            "edge function {} was still in use after {attempt} attempts; it stays in CloudFront: delete it there once no distribution runs it",
            edge.name
        ))
    })?;
    let deferred = EdgeFunctionRetireDeferred {
        edge_function_id: edge.id.clone(),
        distribution_id: edge.distribution_id.clone(),
        name: edge.name.clone(),
        attempt,
        next_attempt_in_seconds: next.seconds,
    };
    Ok(next.output().with_event(cx.nth_event(&input.request, &deferred, attempt)))
}

/// `RecordEdgeFunctionRetireFailed`: the function stays in CloudFront, recorded `RETIRE_FAILED`
/// with the cause, and announced.
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<RetireEdgeFunctionInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    let id = input.edge_function_id.as_str();
    cx.settle_failed::<EdgeFunctionRecord>(id, EdgeFunctionStatus::RetireFailed, &failure, |_| ()).await?;
    let Some(edge) = cx.records().get::<EdgeFunctionRecord>(id).await? else { return Ok(TaskOutput::none()) };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &retire_failed(&edge, failure))))
}

/// The announcement that `edge` could not be retired.
pub(crate) fn retire_failed(
    edge: &EdgeFunctionRecord,
    failure: cfm_domain::failure::Failure,
) -> EdgeFunctionRetireFailed {
    EdgeFunctionRetireFailed {
        edge_function_id: edge.id.clone(),
        distribution_id: edge.distribution_id.clone(),
        name: edge.name.clone(),
        attempts: edge.retire_attempts,
        failure,
    }
}
