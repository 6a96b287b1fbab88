//! `/origins`: create, list, get, update, delete.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::origin::{OriginPatchRequest, OriginRecord, OriginRequest, OriginSpec};
use cfm_domain::values::OriginId;
use cfm_events::origin::{CreateOriginInput, DeleteOriginInput, UpdateOriginInput};
use cfm_ports::buckets::{BucketOwner, BucketRef};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::mutation::{ClaimRecord, Mutation, NewRecord};
use crate::records::{page, require, view};
use crate::request::{Body, Caller, Id, PageQuery, parse};
use crate::state::AppState;

/// The bucket name is free, or already this origin's (a retry).
async fn bucket_free(state: &AppState, spec: &OriginSpec, origin: &OriginId) -> Result<(), ApiError> {
    match state.ports.buckets.owner(&BucketRef::new(&spec.bucket_name, &spec.region)).await? {
        BucketOwner::Missing => Ok(()),
        owner if owner.is(origin) => Ok(()),
        _ => {
            Err(ApiError::Conflict(format!("bucket '{}' already exists; choose another bucketName", spec.bucket_name)))
        }
    }
}

/// `POST /origins`.
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let spec = parse(&body, OriginRequest::parse)?;
    let id = OriginId::generate(caller.key());
    let mutation = Mutation::new(&caller, "create-origin", id.as_str(), |request| CreateOriginInput {
        origin_id: id.clone(),
        spec: spec.clone(),
        request,
    })?;
    let now = state.now();
    let record = NewRecord::new(|claim| OriginRecord::creating(id.clone(), &spec, claim, caller.actor(), now))
        .claiming(&spec.bucket_name, &id);
    state.mutate(mutation, bucket_free(&state, &spec, &id), record).await
}

/// `GET /origins`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    page::<OriginRecord>(&state, "origins", None, &query, view).await
}

/// `GET /origins/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<OriginId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    Ok(Json(view(&require::<OriginRecord>(&state, id.as_str()).await?)).into_response())
}

/// `PUT /origins/{id}`.
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<OriginId>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let patch = parse(&body, OriginPatchRequest::parse)?;
    let id = id.get()?;
    let mutation = Mutation::new(&caller, "update-origin", id.as_str(), |request| UpdateOriginInput {
        origin_id: id.clone(),
        patch,
        request,
    })?;
    state.mutate(mutation, async { Ok(()) }, ClaimRecord::new(id.as_str(), OriginRecord::claim_for_update)).await
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
    caller: Caller,
    id: Id<OriginId>,
    Query(query): Query<DeleteQuery>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    let empty_bucket = match query.empty_bucket.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("emptyBucket", "must be true or false")),
    };
    let mutation = Mutation::new(&caller, "delete-origin", id.as_str(), |request| DeleteOriginInput {
        origin_id: id.clone(),
        empty_bucket,
        request,
    })?;
    state.mutate(mutation, async { Ok(()) }, ClaimRecord::new(id.as_str(), OriginRecord::claim_for_delete)).await
}
