//! `/distributions`: create, list (filter by status), get with live status, status, update,
//! delete, invalidate.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use cfm_aws::preflight::{check_certificate, origin_target};
use cfm_core::claim::Busy;
use cfm_core::distribution::{validate_create, validate_patch, validate_paths};
use cfm_core::distribution_record::{DistributionChange, DistributionRecord, DistributionStatus};
use cfm_core::ids;
use cfm_events::distribution::{
    CreateDistributionInput, DistributionInput, DistributionSpec, InvalidateInput, UpdateDistributionInput,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::body::{Body, PageQuery, checked, decode, idempotency_key};
use crate::claims::start_claimed;
use crate::error::ApiError;
use crate::executions::Start;
use crate::records::{require, view};
use crate::state::AppState;

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The origin and certificate checks, each answer naming its field.
pub(crate) async fn preflight(state: &AppState, spec: &DistributionSpec) -> Result<(), ApiError> {
    origin_target(&state.aws, &state.store, spec.origin_id.as_deref().unwrap_or_default())
        .await
        .map_err(ApiError::naming("originId"))?;
    check_certificate(&state.acm, spec, state.account()).await.map_err(ApiError::naming("certificateArn"))?;
    Ok(())
}

/// `POST /distributions`.
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let spec: DistributionSpec = decode(&body)?;
    let key = idempotency_key(&headers)?;
    checked(validate_create(&spec))?;
    let id = ids::distribution_id(key.as_deref());
    let start = Start::new("create-distribution", &id, key.as_deref(), &principal, &headers, |request| {
        CreateDistributionInput { distribution_id: id.clone(), spec: spec.clone(), template: None, request }
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    preflight(&state, &spec).await?;
    let arn = state.execution_arn(&start)?;
    let record = DistributionRecord::creating(&id, &spec, None, &start.name, &arn, &principal.sub, &now());
    state.store.create(&record).await?;
    match state.start(&start).await {
        Ok(response) => Ok(response),
        Err(err) => {
            if let Err(cleanup) = state.store.delete::<DistributionRecord>(&id).await {
                tracing::warn!(error = %cleanup, distribution = id, "could not remove the record of a distribution whose workflow did not start");
            }
            Err(err)
        }
    }
}

/// `?status=&limit=&nextToken=` on the list.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListQuery {
    status: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

/// `GET /distributions`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let (limit, token) = query.page.parse()?;
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => Some(DistributionStatus::parse(s).ok_or_else(|| {
            ApiError::invalid("status", "must be one of CREATING, IN_PROGRESS, DEPLOYED, UPDATING, DELETING, FAILED")
        })?),
    };
    let page = state
        .store
        .list::<DistributionRecord>(limit, token, status.map(DistributionStatus::as_str))
        .await
        .map_err(ApiError::naming("nextToken"))?;
    let items: Vec<Value> = page.items.iter().map(view).collect();
    Ok(Json(json!({"distributions": items, "count": items.len(), "nextToken": page.next_token})).into_response())
}

/// CloudFront's current view, if it has the distribution.
async fn live(state: &AppState, record: &DistributionRecord) -> Result<Option<Value>, ApiError> {
    let Some(id) = &record.cloudfront_id else { return Ok(None) };
    Ok(state.cloudfront.live(id).await?.map(|l| json!({"status": l.status, "enabled": l.config.enabled})))
}

/// `GET /distributions/{id}`: the record with CloudFront's live status.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = require::<DistributionRecord>(&state, &id).await?;
    let mut value = view(&record);
    value["live"] = live(&state, &record).await?.unwrap_or(Value::Null);
    Ok(Json(value).into_response())
}

/// `GET /distributions/{id}/status`.
pub(crate) async fn status(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = require::<DistributionRecord>(&state, &id).await?;
    let live = live(&state, &record).await?;
    Ok(Json(json!({
        "distributionId": record.id,
        "status": record.status.as_str(),
        "cloudfrontId": record.cloudfront_id,
        "cloudfrontStatus": live.as_ref().map(|l| l["status"].clone()).or(record.cloudfront_status.map(Value::String)),
        "enabled": live.as_ref().map(|l| l["enabled"].clone()),
        "drift": record.drift,
        "updatedAt": record.updated_at,
    }))
    .into_response())
}

/// Claims a distribution for `change`, returning its status before.
fn claim(
    change: DistributionChange,
) -> impl Fn(&mut DistributionRecord, &str, &str) -> Result<DistributionStatus, Busy> {
    move |record, execution, now| {
        let before = record.status;
        record.claim_for(change, execution, now).map(|()| before)
    }
}

/// Gives a claim back, with the status before it.
fn undo(record: &mut DistributionRecord, execution: &str, before: DistributionStatus) {
    record.settle(execution, before);
}

/// `PUT /distributions/{id}`: a partial spec (`{"enabled": false}` disables).
pub(crate) async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let patch: DistributionSpec = decode(&body)?;
    checked(validate_patch(&patch))?;
    let start = Start::new("update-distribution", &id, key.as_deref(), &principal, &headers, |request| {
        UpdateDistributionInput { distribution_id: id.clone(), patch: patch.clone(), request }
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    let record = require::<DistributionRecord>(&state, &id).await?;
    let merged = record.spec.merged(&patch);
    checked(validate_create(&merged))?;
    check_certificate(&state.acm, &merged, state.account()).await.map_err(ApiError::naming("certificateArn"))?;
    // The claim re-checks the record as it is now: a change that slipped in since the read
    // above makes this a 409, never a lost update.
    start_claimed(&state, &id, &start, claim(DistributionChange::Update), undo).await
}

/// `DELETE /distributions/{id}`: one call disables, waits, deletes and cleans up.
pub(crate) async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let start = Start::new("delete-distribution", &id, key.as_deref(), &principal, &headers, |request| {
        DistributionInput { distribution_id: id.clone(), request }
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    start_claimed(&state, &id, &start, claim(DistributionChange::Delete), undo).await
}

/// The invalidation request body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InvalidateBody {
    #[serde(default)]
    paths: Vec<String>,
}

/// `POST /distributions/{id}/invalidate`.
pub(crate) async fn invalidate(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let body: InvalidateBody = decode(&body)?;
    checked(validate_paths(&body.paths))?;
    let start = Start::new("invalidate-distribution", &id, key.as_deref(), &principal, &headers, |request| {
        InvalidateInput { distribution_id: id.clone(), paths: body.paths, request }
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    let record = require::<DistributionRecord>(&state, &id).await?;
    if record.cloudfront_id.is_none()
        || matches!(record.status, DistributionStatus::Deleting | DistributionStatus::Failed)
    {
        return Err(ApiError::Conflict(format!(
            "distribution '{id}' is {}; nothing to invalidate",
            record.status.as_str()
        )));
    }
    state.start(&start).await
}
