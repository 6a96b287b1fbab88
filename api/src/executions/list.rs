//! `GET /executions`: this stack's executions, newest first, across its state machines. Step
//! Functions lists one machine at a time (newest first), so a page merges one listing page of
//! each; the token keeps each machine's place (its listing token and how far into that page).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cfm_domain::problems::Problems;
use cfm_domain::values::Timestamp;
use cfm_domain::vocabulary::Vocabulary;
use cfm_ports::workflows::{ExecutionStatus, ExecutionSummary};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::request::PageQuery;
use crate::state::AppState;

/// `?workflow=&status=&resourceId=&limit=&nextToken=`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListQuery {
    workflow: Option<String>,
    status: Option<String>,
    resource_id: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

/// Where a machine's listing stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Place {
    /// The listing token of the page being read (`None`: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    /// Executions of that page already answered.
    #[serde(default)]
    skip: usize,
}

/// Every machine's place; a machine that is read to its end is left out.
type Cursor = BTreeMap<String, Place>;

fn encode(cursor: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

fn decode(token: &str) -> Option<Cursor> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token).ok()?).ok()
}

/// What a page reads: the machines, the status asked for, the resource, how many.
struct Listing<'a> {
    machines: Vec<(&'a str, &'a str)>,
    status: Option<ExecutionStatus>,
    resource: Option<&'a str>,
    limit: usize,
}

fn parse<'a>(state: &'a AppState, query: &'a ListQuery) -> Result<(Listing<'a>, Cursor), ApiError> {
    let mut problems = Problems::new();
    let workflows = state.machines.workflows();
    let machines: Vec<(&str, &str)> = match query.workflow.as_deref() {
        None => workflows.collect(),
        Some(wanted) => workflows.filter(|(w, _)| *w == wanted).collect(),
    };
    problems.check(machines.is_empty(), "workflow", "not a workflow of this stack");
    let status = query.status.as_deref().and_then(|text| ExecutionStatus::parse_into(&mut problems, "status", text));
    let resource = query.resource_id.as_deref().filter(|r| !r.is_empty());
    problems.check(resource.is_some_and(|r| r.len() > 80 || r.contains('.')), "resourceId", "is not a resource id");
    let page = query.page.parse();
    let token = page.as_ref().ok().and_then(|(_, token)| *token);
    let cursor = match token {
        None => Some(machines.iter().map(|(w, _)| (w.to_string(), Place::default())).collect()),
        Some(token) => decode(token).filter(|c| c.keys().all(|w| machines.iter().any(|(m, _)| m == w))),
    };
    problems.check(cursor.is_none(), "nextToken", "is not a token of this list");
    if let Err(ApiError::Invalid(more)) = &page {
        problems.extend_under_root(more.clone());
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    let (limit, _) = page?;
    let listing = Listing { machines, status, resource, limit: limit as usize };
    Ok((listing, cursor.unwrap_or_default()))
}

/// One machine's page as read.
struct Read {
    workflow: String,
    place: Place,
    executions: Vec<ExecutionSummary>,
    next: Option<String>,
}

/// `GET /executions`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let (listing, cursor) = parse(&state, &query)?;
    let mut reads = Vec::new();
    for (workflow, machine) in &listing.machines {
        let Some(place) = cursor.get(*workflow) else { continue };
        let page = state.ports.workflows.list(machine, listing.status, place.token.as_deref()).await?;
        reads.push(Read {
            workflow: workflow.to_string(),
            place: place.clone(),
            executions: page.executions,
            next: page.next_token,
        });
    }
    let (answer, cursor) = merge(reads, &listing);
    let executions: Vec<_> = answer.iter().map(summary).collect();
    let next = (!cursor.is_empty()).then(|| encode(&cursor));
    Ok(Json(json!({"executions": executions, "count": executions.len(), "nextToken": next})).into_response())
}

fn summary(execution: &ExecutionSummary) -> serde_json::Value {
    let workflow = cfm_domain::values::operation_of(&execution.name);
    json!({
        "executionArn": execution.execution_arn,
        "name": execution.name,
        "workflow": workflow,
        "resourceId": resource_of(&execution.name),
        "status": execution.status,
        "startedAt": execution.started_at,
        "stoppedAt": execution.stopped_at,
    })
}

/// The resource an execution name (`<workflow>.<resource>.<suffix>`) is about.
pub(super) fn resource_of(name: &str) -> Option<&str> {
    let mut parts = name.split('.');
    parts.next()?;
    parts.next().filter(|r| !r.is_empty())
}

/// The newest `limit` executions of `reads` that match, and where each machine stands after.
/// A machine whose page runs out while it has more pages bounds how old an answer may be:
/// its next page could hold newer executions than the other machines' rest.
fn merge(reads: Vec<Read>, listing: &Listing<'_>) -> (Vec<ExecutionSummary>, Cursor) {
    let horizon: Option<Timestamp> =
        reads.iter().filter(|r| r.next.is_some()).filter_map(|r| r.executions.last().map(|e| e.started_at)).max();
    let mut candidates: Vec<(usize, usize, &ExecutionSummary)> = reads
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.executions.iter().enumerate().skip(r.place.skip).map(move |(at, e)| (i, at, e)))
        .collect();
    // Newest first; a machine's own executions keep their listing order.
    candidates.sort_by(|a, b| b.2.started_at.cmp(&a.2.started_at).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let mut read_to: Vec<usize> = reads.iter().map(|r| r.place.skip).collect();
    let mut answer = Vec::new();
    for (i, at, execution) in candidates {
        if answer.len() == listing.limit || horizon.is_some_and(|h| execution.started_at < h) {
            break;
        }
        read_to[i] = at + 1;
        if listing.resource.is_none_or(|r| resource_of(&execution.name) == Some(r)) {
            answer.push(execution.clone());
        }
    }
    let mut cursor = Cursor::new();
    for (read, to) in reads.into_iter().zip(read_to) {
        let place = match (to >= read.executions.len(), read.next) {
            (false, _) => Place { token: read.place.token, skip: to },
            (true, Some(next)) => Place { token: Some(next), skip: 0 },
            (true, None) => continue,
        };
        cursor.insert(read.workflow, place);
    }
    (answer, cursor)
}
