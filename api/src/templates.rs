//! `/templates`: versioned partial specs. Templates are records only (no AWS resources), so
//! their CRUD is synchronous; applying one starts the `apply-template` workflow.
//!
//! Merge rule for apply: the version's spec, then each field set in `overrides` replaces the
//! template's field whole (lists and maps are replaced, not merged), then `name` from the request.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cfm_core::distribution::validate_create as validate_spec;
use cfm_core::ids;
use cfm_core::template::{TemplateRecord, TemplateVersion, applied_spec, validate_create, validate_update};
use cfm_events::envelope::EventOrigin;
use cfm_events::template::{
    ApplyTemplate, ApplyTemplateInput, TemplateBody, TemplateCreated, TemplateDeleted, TemplateUpdated,
};
use cfm_events::{EventDetail, OutgoingEvent};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::body::{Body, PageQuery, checked, decode, idempotency_key};
use crate::distributions::preflight;
use crate::error::ApiError;
use crate::executions::{Start, request_context};
use crate::records;
use crate::state::AppState;

/// Attempts at a template update that races others.
const UPDATE_ATTEMPTS: usize = 5;

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn view(record: &TemplateRecord, version: Option<&TemplateVersion>) -> Value {
    let mut value = records::view(record);
    if let Some(v) = version {
        value["version"] = json!(v.version);
        value["spec"] = serde_json::to_value(&v.spec).unwrap_or_default();
    }
    value
}

async fn publish<T: EventDetail>(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    data: &T,
) -> Result<(), ApiError> {
    let context = request_context(principal, headers, data.resource_id());
    let origin = EventOrigin { execution_arn: None, correlation_id: &context.correlation_id, actor: &context.actor };
    state.events.publish(&[OutgoingEvent::new(&origin, data, chrono::Utc::now())]).await?;
    Ok(())
}

/// `POST /templates`. With an `Idempotency-Key`, a retry returns the template already made.
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let body: TemplateBody = decode(&body)?;
    checked(validate_create(&body))?;
    let id = ids::template_id(key.as_deref());
    if let Some(existing) = state.store.get::<TemplateRecord>(&id).await? {
        let version = state.store.template_version(&id, existing.latest_version).await?;
        return Ok((StatusCode::OK, Json(view(&existing, version.as_ref()))).into_response());
    }
    let at = now();
    let record = TemplateRecord {
        id: id.clone(),
        name: body.name.clone().unwrap_or_default(),
        description: body.description.clone().unwrap_or_default(),
        category: body.category.clone().unwrap_or_else(|| "General".into()),
        features: body.features.clone().unwrap_or_default(),
        latest_version: 1,
        deleted: false,
        created_by: principal.sub.clone(),
        created_at: at.clone(),
        updated_at: at.clone(),
        created_by_execution: format!("api:{id}"),
        version: 0,
    };
    let first = TemplateVersion {
        version: 1,
        spec: body.effective_spec().unwrap_or_default(),
        created_by: principal.sub.clone(),
        created_at: at,
    };
    state.store.create_template(&record, &first).await?;
    publish(
        &state,
        &principal,
        &headers,
        &TemplateCreated { template_id: id.clone(), name: record.name.clone(), version: 1 },
    )
    .await?;
    let mut response = (StatusCode::CREATED, Json(view(&record, Some(&first)))).into_response();
    if let Ok(location) = format!("/templates/{id}").parse() {
        response.headers_mut().insert(axum::http::header::LOCATION, location);
    }
    Ok(response)
}

/// `GET /templates`: deleted templates are hidden.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(page): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let (limit, token) = page.parse()?;
    let page = state
        .store
        .list::<TemplateRecord>(limit, token, Some("ACTIVE"))
        .await
        .map_err(ApiError::naming("nextToken"))?;
    let items: Vec<Value> = page.items.iter().map(|t| view(t, None)).collect();
    Ok(Json(json!({"templates": items, "count": items.len(), "nextToken": page.next_token})).into_response())
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

async fn version_of(state: &AppState, record: &TemplateRecord, version: u32) -> Result<TemplateVersion, ApiError> {
    state.store.template_version(&record.id, version).await?.ok_or_else(|| {
        ApiError::invalid("version", format!("template '{}' has versions 1 to {}", record.id, record.latest_version))
    })
}

/// `GET /templates/{id}?version=`: the latest version unless one is named.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let record = records::require::<TemplateRecord>(&state, &id).await?;
    let version = version_of(&state, &record, parse_version(q.version.as_deref(), record.latest_version)?).await?;
    Ok(Json(view(&record, Some(&version))).into_response())
}

/// `GET /templates/{id}/versions`: newest first.
pub(crate) async fn versions(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    records::require::<TemplateRecord>(&state, &id).await?;
    let versions = state.store.template_versions(&id).await?;
    Ok(Json(json!({"versions": versions, "count": versions.len()})).into_response())
}

/// `PUT /templates/{id}`: every update makes a new immutable version.
pub(crate) async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let body: TemplateBody = decode(&body)?;
    checked(validate_update(&body))?;
    // The version and the record's pointer to it are written in one transaction; a concurrent
    // update makes this one read again and become the next version, so neither is lost.
    for _ in 0..UPDATE_ATTEMPTS {
        let mut record = records::require::<TemplateRecord>(&state, &id).await?;
        if record.deleted {
            return Err(ApiError::Conflict(format!("template '{id}' is deleted")));
        }
        let previous = version_of(&state, &record, record.latest_version).await?;
        let next = TemplateVersion {
            version: record.latest_version + 1,
            spec: body.effective_spec().unwrap_or(previous.spec),
            created_by: principal.sub.clone(),
            created_at: now(),
        };
        record.latest_version = next.version;
        if let Some(name) = &body.name {
            record.name = name.clone();
        }
        if let Some(description) = &body.description {
            record.description = description.clone();
        }
        if let Some(category) = &body.category {
            record.category = category.clone();
        }
        if let Some(features) = &body.features {
            record.features = features.clone();
        }
        if state.store.add_template_version(&mut record, &next, &now()).await? {
            let updated = TemplateUpdated { template_id: id.clone(), version: next.version };
            publish(&state, &principal, &headers, &updated).await?;
            return Ok(Json(view(&record, Some(&next))).into_response());
        }
    }
    Err(ApiError::Conflict(format!("template '{id}' kept changing while updating it; try again")))
}

/// `DELETE /templates/{id}`: marks it deleted; versions stay, distributions made from it are
/// unaffected (they are copies).
pub(crate) async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let record = state
        .store
        .update::<TemplateRecord, _>(&id, &now(), |r| {
            r.deleted = true;
            Ok(())
        })
        .await?;
    publish(&state, &principal, &headers, &TemplateDeleted { template_id: id.clone() }).await?;
    Ok(Json(view(&record, None)).into_response())
}

/// `POST /templates/{id}/apply`: checks the merged result up front (a 4xx names what is wrong
/// and starts nothing), then starts `apply-template`, which runs `create-distribution` for it.
pub(crate) async fn apply(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let request: ApplyTemplate = decode(&body)?;
    if request.name.trim().is_empty() {
        return Err(ApiError::invalid("name", "is required: the new distribution's name"));
    }
    let record = records::require::<TemplateRecord>(&state, &id).await?;
    if record.deleted {
        return Err(ApiError::Conflict(format!("template '{id}' is deleted; it can no longer be applied")));
    }
    let number = request.version.unwrap_or(record.latest_version);
    let version = version_of(&state, &record, number).await?;
    let spec = applied_spec(&version.spec, &request.overrides, &request.name);
    let distribution_id = ids::distribution_id(key.as_deref());
    let start = Start::new("apply-template", &distribution_id, key.as_deref(), &principal, &headers, |context| {
        ApplyTemplateInput {
            template_id: id.clone(),
            version: number,
            name: request.name.clone(),
            overrides: request.overrides.clone(),
            distribution_id: distribution_id.clone(),
            request: context,
        }
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    checked(validate_spec(&spec))?;
    preflight(&state, &spec).await?;
    state.start(&start).await
}
