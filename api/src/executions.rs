//! Starting workflows (the `202 Accepted` answer) and reading executions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cfm_aws::sfn::{StartError, execution_arn};
use cfm_core::ids::{self, operation_of};
use cfm_events::origin::RequestContext;
use serde::Serialize;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::body::MAX_BODY_BYTES;
use crate::error::ApiError;
use crate::state::AppState;

/// Step Functions' limit on an execution's input.
const MAX_INPUT_BYTES: usize = 256 * 1024;

/// A workflow to start on behalf of a request.
pub(crate) struct Start {
    /// The workflow (state machine) name.
    pub(crate) workflow: &'static str,
    /// The deterministic execution name.
    pub(crate) name: String,
    /// The resource the execution acts on.
    pub(crate) resource_id: String,
    /// The execution input.
    pub(crate) input: Value,
}

impl Start {
    /// Names the execution of `workflow` on `resource_id` (from the `Idempotency-Key`, so a retry
    /// names the same one) and builds its input around the request context. An input larger
    /// than Step Functions accepts is a 413.
    pub(crate) fn new<T: Serialize>(
        workflow: &'static str,
        resource_id: &str,
        key: Option<&str>,
        principal: &Principal,
        headers: &HeaderMap,
        input: impl FnOnce(RequestContext) -> T,
    ) -> Result<Self, ApiError> {
        let name = ids::execution_name(workflow, resource_id, key);
        let input = serde_json::to_value(input(request_context(principal, headers, &name))).unwrap_or_default();
        if input.to_string().len() > MAX_INPUT_BYTES {
            return Err(ApiError::TooLarge(MAX_BODY_BYTES));
        }
        Ok(Self { workflow, name, resource_id: resource_id.to_owned(), input })
    }
}

/// The request context recorded in events: the caller, and a correlation id from
/// `X-Correlation-Id` or else the execution name (stable across retries).
pub(crate) fn request_context(principal: &Principal, headers: &HeaderMap, execution_name: &str) -> RequestContext {
    let correlation = headers
        .get("x-correlation-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=128).contains(&v.len()))
        .unwrap_or(execution_name);
    RequestContext { actor: principal.sub.clone(), correlation_id: correlation.to_owned() }
}

impl AppState {
    fn machine_arn(&self, workflow: &str) -> Result<&str, ApiError> {
        self.machine(workflow).ok_or_else(|| ApiError::NotFound(format!("workflow {workflow} is not deployed")))
    }

    /// The ARN the execution `start` names will have.
    pub(crate) fn execution_arn(&self, start: &Start) -> Result<String, ApiError> {
        Ok(execution_arn(self.machine_arn(start.workflow)?, &start.name))
    }

    /// If the execution this request names already exists, the `202` for it; a different input
    /// under the same name is an `Idempotency-Key` reused for another request.
    pub(crate) async fn replay(&self, start: &Start) -> Result<Option<Response>, ApiError> {
        let arn = execution_arn(self.machine_arn(start.workflow)?, &start.name);
        match self.sfn.find(&arn).await? {
            None => Ok(None),
            Some(existing) if existing.input == start.input => Ok(Some(accepted(start, &arn, false))),
            Some(_) => Err(reused(&start.name)),
        }
    }

    /// Starts the execution (or finds the identical one) and answers `202`.
    pub(crate) async fn start(&self, start: &Start) -> Result<Response, ApiError> {
        let machine = self.machine_arn(start.workflow)?;
        match self.sfn.start(machine, &start.name, &start.input).await {
            Ok(started) => Ok(accepted(start, &started.execution_arn, started.new)),
            Err(StartError::NameReused(name)) => Err(reused(&name)),
            Err(StartError::Aws(err)) => Err(err.into()),
        }
    }
}

fn reused(name: &str) -> ApiError {
    ApiError::Unprocessable(format!("this Idempotency-Key was already used for a different request (execution {name})"))
}

fn accepted(start: &Start, arn: &str, new: bool) -> Response {
    let location = format!("/executions/{}", start.name);
    let body = json!({
        "executionId": start.name,
        "executionArn": arn,
        "workflow": start.workflow,
        "resourceId": start.resource_id,
        "replayed": !new,
    });
    let mut response = (StatusCode::ACCEPTED, Json(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = location.parse() {
        headers.insert(header::LOCATION, value);
    }
    if !new {
        headers.insert("idempotent-replayed", header::HeaderValue::from_static("true"));
    }
    response
}

/// `GET /executions/{id}`: status, current state, output or error. `id` is the execution name
/// from the `202` answer, or a full execution ARN.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound(format!("no execution '{id}'"));
    let arn = if id.starts_with("arn:") {
        if !state.machines.values().any(|m| id.starts_with(&m.replacen(":stateMachine:", ":execution:", 1))) {
            return Err(not_found());
        }
        id.clone()
    } else {
        let workflow = operation_of(&id).ok_or_else(not_found)?;
        execution_arn(state.machine(workflow).ok_or_else(not_found)?, &id)
    };
    let view = state.sfn.find(&arn).await?.ok_or_else(not_found)?;
    Ok(Json(view).into_response())
}
