//! Executions of this stack's workflows: `GET /executions` (the list), `GET /executions/{id}`
//! (how one stands) and `GET /executions/{id}/steps` (every state it went through).

mod list;

pub(crate) use list::list;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::bulk::BulkRecord;
use cfm_domain::values::{Checked, ExecutionArn, operation_of};
use cfm_ports::workflows::{Execution, ExecutionStatus};
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

/// An operator's view of an execution.
fn view(execution: &Execution) -> Value {
    let mut view = json!({
        "executionArn": execution.execution_arn,
        "name": execution.name,
        "status": execution.status,
        "input": execution.input,
        "startedAt": execution.started_at,
    });
    let optional = [
        ("currentState", execution.current_state.as_ref().map(|s| json!(s))),
        ("output", execution.output.clone()),
        ("error", execution.error.as_ref().map(|s| json!(s))),
        ("cause", execution.cause.as_ref().map(|s| json!(s))),
        ("stoppedAt", execution.stopped_at.map(|t| json!(t))),
    ];
    for (field, value) in optional {
        if let Some(value) = value {
            view[field] = value;
        }
    }
    view
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("no execution '{id}'"))
}

/// The execution `id` names: the execution name from the `202` answer, or the full ARN of an
/// execution of this stack.
async fn find(state: &AppState, id: &str) -> Result<Execution, ApiError> {
    let arn = match ExecutionArn::parse(id) {
        Ok(arn) if state.machines.runs(&arn) => arn,
        Ok(_) => return Err(not_found(id)),
        Err(_) => {
            let workflow = operation_of(id).ok_or_else(|| not_found(id))?;
            state.machines.execution(workflow, id).map_err(|_| not_found(id))?
        }
    };
    state.ports.workflows.execution(&arn).await?.ok_or_else(|| not_found(id))
}

/// `GET /executions/{id}`: status, current state, output or error.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let execution = find(&state, &id).await?;
    let mut value = view(&execution);
    if operation_of(&execution.name) == Some("bulk-operation")
        && let Some(bulk) = list::resource_of(&execution.name)
        && let Some(record) = state.ports.records().get::<BulkRecord>(bulk).await?
    {
        value["bulkId"] = json!(record.id);
        value["progress"] = json!(record.progress());
    }
    Ok(Json(value).into_response())
}

/// `GET /executions/{id}/steps`: every state the execution entered, in order, with when it was
/// entered and left, its task attempts, the error a Catch took or it failed with, and its input
/// and output; read from the whole history.
pub(crate) async fn steps(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let execution = find(&state, &id).await?;
    let history = state.ports.workflows.history(&execution.execution_arn).await?;
    let steps = cfm_ports::steps::steps(history, execution.status == ExecutionStatus::Running);
    let answer = json!({"executionArn": execution.execution_arn, "status": execution.status,
        "count": steps.len(), "steps": steps});
    Ok(Json(answer).into_response())
}
