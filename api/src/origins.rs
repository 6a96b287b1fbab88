//! `/origins`: create, list, get, update, delete.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::origin::{OriginRecord, OriginRequest, OriginSpec};
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

/// An S3 origin's bucket name is free, or already this origin's (a retry).
async fn bucket_free(state: &AppState, spec: &OriginSpec, origin: &OriginId) -> Result<(), ApiError> {
    let Some(bucket) = spec.kind.bucket() else { return Ok(()) };
    match state.ports.buckets.owner(&BucketRef::of(bucket)).await? {
        BucketOwner::Missing => Ok(()),
        owner if owner.is(origin) => Ok(()),
        _ => Err(ApiError::Conflict(format!(
            "bucket '{}' already exists; choose another bucketName",
            bucket.bucket_name
        ))),
    }
}

/// The public view of an origin: header values hidden.
fn show(record: &OriginRecord) -> serde_json::Value {
    view(&record.redacted())
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
        spec: spec.redacted(),
        request,
    })?;
    let now = state.now();
    let mut record = NewRecord::new(|claim| OriginRecord::creating(id.clone(), &spec, claim, caller.actor(), now));
    if let Some(bucket) = spec.kind.bucket() {
        record = record.claiming(&bucket.bucket_name, &id);
    }
    state.mutate(mutation, bucket_free(&state, &spec, &id), record).await
}

/// `GET /origins`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    page::<OriginRecord>(&state, "origins", None, &query, show).await
}

/// `GET /origins/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<OriginId>,
) -> Result<Response, ApiError> {
    let id = id.get()?;
    Ok(Json(show(&require::<OriginRecord>(&state, id.as_str()).await?)).into_response())
}

/// `PUT /origins/{id}`.
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    id: Id<OriginId>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let patch = parse(&body, OriginRequest::parse_patch)?;
    let id = id.get()?;
    let kind = require::<OriginRecord>(&state, id.as_str()).await?.kind.origin_type();
    patch.check_for(kind)?;
    let mutation = Mutation::new(&caller, "update-origin", id.as_str(), |request| UpdateOriginInput {
        origin_id: id.clone(),
        patch: patch.redacted(),
        request,
    })?;
    // New header values reach the record with the claim, never the workflow input.
    let staged = patch.custom.custom_headers.clone();
    let claim = ClaimRecord::new(id.as_str(), move |record: &mut OriginRecord, claim| {
        let before = record.claim_for_update(claim)?;
        record.staged_headers = staged.clone();
        Ok(before)
    })
    .undoing(|record| record.staged_headers = None);
    state.mutate(mutation, async { Ok(()) }, claim).await
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
