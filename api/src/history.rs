//! `GET /<resources>/{id}/history`: events newest first, kept after the resource is deleted.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use cfm_aws::store::Stored;
use serde_json::json;

use crate::auth::Principal;
use crate::body::PageQuery;
use crate::error::ApiError;
use crate::state::AppState;

/// History of a resource of kind `T`; 404 only if it never existed (no record, no events).
pub(crate) async fn history<T: Stored + Send>(
    State(state): State<AppState>,
    _principal: Principal,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let (limit, token) = page.parse()?;
    let page = state.store.history(&id, limit, token).await.map_err(ApiError::naming("nextToken"))?;
    if page.items.is_empty() && token.is_none() && state.store.get::<T>(&id).await?.is_none() {
        return Err(ApiError::NotFound(format!("{} '{id}' has no history", T::NOUN)));
    }
    Ok(Json(json!({"events": page.items, "nextToken": page.next_token})).into_response())
}

/// History of a certificate (kept by ARN; ACM holds the certificate itself).
pub(crate) async fn certificate_history(
    State(state): State<AppState>,
    _principal: Principal,
    Path(arn): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let (limit, token) = page.parse()?;
    let page = state.store.history(&arn, limit, token).await.map_err(ApiError::naming("nextToken"))?;
    Ok(Json(json!({"events": page.items, "nextToken": page.next_token})).into_response())
}
