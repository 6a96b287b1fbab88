//! `GET /<resources>/{id}/history`: events newest first, kept after the resource is deleted.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::record::Record;
use cfm_domain::values::Checked;
use serde_json::json;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::request::{ArnPath, Id, PageQuery};
use crate::state::AppState;

async fn events(
    state: &AppState,
    resource: &str,
    query: &PageQuery,
) -> Result<(Vec<serde_json::Value>, Option<String>), ApiError> {
    let (limit, token) = query.parse()?;
    let page = state.ports.store.history(resource, limit, token).await.map_err(ApiError::naming("nextToken"))?;
    Ok((page.items, page.next_token))
}

/// History of a resource of kind `T` (with ids `I`); 404 only if it never existed (no record,
/// no events).
pub(crate) async fn history<T: Record, I: Checked + AsRef<str> + Send>(
    State(state): State<AppState>,
    _principal: Principal,
    id: Id<I>,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    of::<T>(&state, id.get()?.as_ref(), &query).await
}

/// History of the resource of kind `T` with `id`.
pub(crate) async fn of<T: Record>(state: &AppState, id: &str, query: &PageQuery) -> Result<Response, ApiError> {
    let (items, next_token) = events(state, id, query).await?;
    if items.is_empty() && query.parse()?.1.is_none() && state.ports.records().get::<T>(id).await?.is_none() {
        return Err(ApiError::NotFound(format!("{} '{id}' has no history", T::NOUN)));
    }
    Ok(Json(json!({"events": items, "nextToken": next_token})).into_response())
}

/// History of a certificate (kept by ARN; ACM holds the certificate itself).
pub(crate) async fn certificate_history(
    State(state): State<AppState>,
    _principal: Principal,
    ArnPath(arn): ArnPath,
    Query(query): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let (items, next_token) = events(&state, arn.as_str(), &query).await?;
    Ok(Json(json!({"events": items, "nextToken": next_token})).into_response())
}
