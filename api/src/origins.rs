//! `/origins`: create, list, get, update, delete, history.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use cfm_aws::s3::{BucketOwner, OriginBucket};
use cfm_core::claim::Busy;
use cfm_core::ids;
use cfm_core::origin::{validate_patch, validate_spec};
use cfm_core::origin_record::{OriginChange, OriginRecord, OriginStatus};
use cfm_events::origin::{CreateOriginInput, DeleteOriginInput, OriginPatch, OriginSpec, UpdateOriginInput};
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

/// `POST /origins`.
pub(crate) async fn create(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let spec: OriginSpec = decode(&body)?;
    checked(validate_spec(&spec))?;
    let origin_id = ids::origin_id(key.as_deref());
    let start = Start::new("create-origin", &origin_id, key.as_deref(), &principal, &headers, |request| {
        CreateOriginInput { origin_id: origin_id.clone(), spec: spec.clone(), request }
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    match OriginBucket::new(&state.aws, &spec.bucket_name, &spec.region).owner().await? {
        BucketOwner::Missing => {}
        BucketOwner::Origin(owner) if owner == origin_id => {}
        _ => {
            return Err(ApiError::Conflict(format!(
                "bucket '{}' already exists; choose another bucketName",
                spec.bucket_name
            )));
        }
    }
    let arn = state.execution_arn(&start)?;
    let record = OriginRecord::creating(&origin_id, &spec, &start.name, &arn, &principal.sub, &now());
    state.store.create_origin(&record).await?;
    match state.start(&start).await {
        Ok(response) => Ok(response),
        Err(err) => {
            // Nothing will run for this record: remove it so the bucket name is free again.
            if let Err(cleanup) = state.store.delete_origin(&record).await {
                tracing::warn!(error = %cleanup, origin = origin_id, "could not remove the record of an origin whose workflow did not start");
            }
            Err(err)
        }
    }
}

/// `GET /origins`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(page): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let (limit, token) = page.parse()?;
    let page = state.store.list::<OriginRecord>(limit, token, None).await.map_err(ApiError::naming("nextToken"))?;
    let origins: Vec<Value> = page.items.iter().map(view).collect();
    Ok(Json(json!({"origins": origins, "count": origins.len(), "nextToken": page.next_token})).into_response())
}

/// `GET /origins/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(view(&require::<OriginRecord>(&state, &id).await?)).into_response())
}

/// `PUT /origins/{id}`.
pub(crate) async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let patch: OriginPatch = decode(&body)?;
    checked(validate_patch(&patch))?;
    let start = Start::new("update-origin", &id, key.as_deref(), &principal, &headers, |request| UpdateOriginInput {
        origin_id: id.clone(),
        patch,
        request,
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    start_claimed(&state, &id, &start, claim(OriginChange::Update), undo).await
}

/// Claims an origin for `change`, returning its status before.
fn claim(change: OriginChange) -> impl Fn(&mut OriginRecord, &str, &str) -> Result<OriginStatus, Busy> {
    move |record, execution, now| {
        let before = record.status;
        record.claim_for(change, execution, now).map(|()| before)
    }
}

/// Gives a claim back, with the status before it.
fn undo(record: &mut OriginRecord, execution: &str, before: OriginStatus) {
    record.settle(execution, before);
}

/// `?emptyBucket=` on delete.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeleteQuery {
    empty_bucket: Option<String>,
}

/// `DELETE /origins/{id}`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(query): Query<DeleteQuery>,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let empty_bucket = match query.empty_bucket.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("emptyBucket", "must be true or false")),
    };
    let start = Start::new("delete-origin", &id, key.as_deref(), &principal, &headers, |request| DeleteOriginInput {
        origin_id: id.clone(),
        empty_bucket,
        request,
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    start_claimed(&state, &id, &start, claim(OriginChange::Delete), undo).await
}
