//! `GET /executions/{id}`: how an execution this API started stands.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::values::{Checked, ExecutionArn, operation_of};
use cfm_ports::workflows::Execution;
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

/// `GET /executions/{id}`: status, current state, output or error. `id` is the execution name
/// from the `202` answer, or the full ARN of an execution of this stack.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound(format!("no execution '{id}'"));
    let arn = match ExecutionArn::parse(&id) {
        Ok(arn) if state.machines.runs(&arn) => arn,
        Ok(_) => return Err(not_found()),
        Err(_) => {
            let workflow = operation_of(&id).ok_or_else(not_found)?;
            state.machines.execution(workflow, &id).map_err(|_| not_found())?
        }
    };
    let execution = state.ports.workflows.execution(&arn).await?.ok_or_else(not_found)?;
    Ok(Json(view(&execution)).into_response())
}
