//! `/templates`: versioned partial specs. Templates are records only (no AWS resources), so
//! their CRUD is synchronous; applying one starts the `apply-template` workflow.
//!
//! Merge rule for apply: the version's spec, then each field set in `overrides` replaces the
//! template's field whole (lists and maps are replaced, not merged), then `name` from the request.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cfm_domain::template::{
    ApplyTemplateRequest, TemplateRecord, TemplateRequest, TemplateStatus, TemplateVersion, applied_spec,
};
use cfm_domain::values::{DistributionId, TemplateId};
use cfm_events::envelope::EventOrigin;
use cfm_events::template::{ApplyTemplateInput, TemplateCreated, TemplateDeleted, TemplateUpdated};
use cfm_events::{EventDetail, OutgoingEvent};
use cfm_ports::store::RecordItem;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::distributions::preflight;
use crate::error::ApiError;
use crate::mutation::{Mutation, Nothing};
use crate::records::{self, page, require};
use crate::request::{Body, Caller, Id, PageQuery, parse};
use crate::state::AppState;

/// Attempts at a template update that races others.
const UPDATE_ATTEMPTS: usize = 5;

fn view(record: &TemplateRecord, version: Option<&TemplateVersion>) -> Value {
    let mut value = records::view(record);
    if let Some(v) = version {
        value["version"] = json!(v.version);
        value["spec"] = serde_json::to_value(&v.spec).unwrap_or_default();
    }
    value
}

/// Announces a template change (templates change without a workflow, so the API does).
async fn publish<T: EventDetail>(state: &AppState, caller: &Caller, data: &T) -> Result<(), ApiError> {
    let context = caller.context(data.resource_id());
    let origin = EventOrigin { execution_arn: None, correlation_id: &context.correlation_id, actor: &context.actor };
    state.ports.events.publish(&[OutgoingEvent::new(&origin, data, state.now())]).await?;
    Ok(())
}

async fn version_of(state: &AppState, record: &TemplateRecord, version: u32) -> Result<TemplateVersion, ApiError> {
    state.ports.store.version(record.id.as_str(), version).await?.ok_or_else(|| {
        ApiError::invalid("version", format!("template '{}' has versions 1 to {}", record.id, record.latest_version))
    })
}

/// `POST /templates`. With an `Idempotency-Key`, a retry returns the template already made.
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let change = parse(&body, TemplateRequest::parse_create)?;
    let id = TemplateId::generate(caller.key());
    if let Some(existing) = state.ports.records().get::<TemplateRecord>(id.as_str()).await? {
        let version = version_of(&state, &existing, existing.latest_version).await?;
        return Ok((StatusCode::OK, Json(view(&existing, Some(&version)))).into_response());
    }
    let (record, first) = TemplateRecord::create(id.clone(), change, caller.actor(), state.now());
    if !state.ports.store.create_template(RecordItem::of(&record), &first).await? {
        return Err(ApiError::Conflict(format!("template '{id}' was created meanwhile; retry to read it")));
    }
    publish(&state, &caller, &TemplateCreated { template_id: id.clone(), name: record.name.clone(), version: 1 })
        .await?;
    let mut response = (StatusCode::CREATED, Json(view(&record, Some(&first)))).into_response();
    if let Ok(location) = format!("/templates/{id}").parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `GET /templates`: deleted templates are hidden.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    page::<TemplateRecord>(&state, "templates", Some(TemplateStatus::Active), &query, |t| view(t, None)).await
}

/// `?version=` on reads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct VersionQuery {
    version: Option<String>,
}

fn parse_version(text: Option<&str>, latest: u32) -> Result<u32, ApiError> {
    match text {
        None => Ok(latest),
        Some(t) => t
            .parse::<u32>()
            .ok()
            .filter(|v| *v >= 1)
            .ok_or_else(|| ApiError::invalid("version", "must be a version number (1, 2, …)")),
    }
}

/// `GET /templates/{id}?version=`: the latest version unless one is named.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<TemplateId>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let record = require::<TemplateRecord>(&state, id.as_str()).await?;
    let version = version_of(&state, &record, parse_version(q.version.as_deref(), record.latest_version)?).await?;
    Ok(Json(view(&record, Some(&version))).into_response())
}

/// `GET /templates/{id}/versions`: newest first.
pub(crate) async fn versions(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<TemplateId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    require::<TemplateRecord>(&state, id.as_str()).await?;
    let versions = state.ports.store.versions(id.as_str()).await?;
    Ok(Json(json!({"versions": versions, "count": versions.len()})).into_response())
}

/// `PUT /templates/{id}`: every update makes a new immutable version.
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<TemplateId>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let change = parse(&body, TemplateRequest::parse_update)?;
    let id = id.get()?;
    // The version and the record's pointer to it are written in one transaction; a concurrent
    // update makes this one read again and become the next version, so neither is lost.
    for _ in 0..UPDATE_ATTEMPTS {
        let mut record = require::<TemplateRecord>(&state, id.as_str()).await?;
        if record.deleted {
            return Err(ApiError::Conflict(format!("template '{id}' is deleted")));
        }
        let previous = version_of(&state, &record, record.latest_version).await?;
        let next = record.next_version(&change, &previous, caller.actor(), state.now());
        if state.ports.records().add_template_version(&mut record, &next, state.now()).await? {
            publish(&state, &caller, &TemplateUpdated { template_id: id.clone(), version: next.version }).await?;
            return Ok(Json(view(&record, Some(&next))).into_response());
        }
    }
    Err(ApiError::Conflict(format!("template '{id}' kept changing while updating it; try again")))
}

/// `DELETE /templates/{id}`: marks it deleted; versions stay, distributions made from it are
/// unaffected (they are copies).
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<TemplateId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let record = state
        .ports
        .records()
        .update::<TemplateRecord, ApiError>(id.as_str(), state.now(), |r| {
            r.deleted = true;
            Ok(())
        })
        .await?;
    publish(&state, &caller, &TemplateDeleted { template_id: id.clone() }).await?;
    Ok(Json(view(&record, None)).into_response())
}

/// `POST /templates/{id}/apply`: checks the merged result up front (a 4xx names what is wrong
/// and starts nothing), then starts `apply-template`, which runs `create-distribution` for it.
pub(crate) async fn apply(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<TemplateId>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let record = require::<TemplateRecord>(&state, id.as_str()).await?;
    if record.deleted {
        return Err(ApiError::Conflict(format!("template '{id}' is deleted; it can no longer be applied")));
    }
    let apply = parse(&body, |r: &ApplyTemplateRequest| r.parse(record.latest_version))?;
    let version = version_of(&state, &record, apply.version).await?;
    let distribution_id = DistributionId::generate(caller.key());
    let mutation = Mutation::new(&caller, "apply-template", distribution_id.as_str(), |request| ApplyTemplateInput {
        template_id: id.clone(),
        version: version.version,
        name: apply.name.clone(),
        overrides: apply.overrides.clone(),
        distribution_id: distribution_id.clone(),
        request,
    })?;
    let check = async {
        let spec = applied_spec(&version.spec, &apply.overrides, &apply.name)?;
        preflight(&state, &spec).await
    };
    state.mutate(mutation, check, Nothing).await
}
