//! Reading stored records for answers: 404 when missing (or when the id cannot name one),
//! bookkeeping fields left out, pages of a kind.

use axum::Json;
use axum::response::{IntoResponse, Response};
use cfm_domain::record::Record;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::request::PageQuery;
use crate::state::AppState;

/// The record, or a 404 naming it.
pub(crate) async fn require<T: Record>(state: &AppState, id: &str) -> Result<T, ApiError> {
    state
        .ports
        .records()
        .get::<T>(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{} '{id}' does not exist", T::NOUN)))
}

/// The public view of a record: its JSON without the lock version and creating execution.
pub(crate) fn view<T: Serialize>(record: &T) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("version");
        map.remove("createdByExecution");
    }
    value
}

/// One page of records of a kind (with `status`, if given), as `{<field>: [...], count,
/// nextToken}`, each shown by `show`.
pub(crate) async fn page<T: Record>(
    state: &AppState,
    field: &str,
    status: Option<T::Status>,
    query: &PageQuery,
    show: impl Fn(&T) -> Value,
) -> Result<Response, ApiError> {
    let (limit, token) = query.parse()?;
    let page = state.ports.records().list::<T>(status, limit, token).await.map_err(ApiError::naming("nextToken"))?;
    let items: Vec<Value> = page.items.iter().map(show).collect();
    Ok(Json(json!({field: items, "count": items.len(), "nextToken": page.next_token})).into_response())
}

/// One page of the records of a kind that `keep` keeps, as [`page`] answers. The table lists
/// the kind whole, so a page is read on until it keeps one (or the list ends): a page is never
/// empty while more follow, and holds at most `limit`.
pub(crate) async fn filtered_page<T: Record>(
    state: &AppState,
    field: &str,
    query: &PageQuery,
    keep: impl Fn(&T) -> bool,
    show: impl Fn(&T) -> Value,
) -> Result<Response, ApiError> {
    let (limit, token) = query.parse()?;
    let mut token = token.map(str::to_owned);
    loop {
        let page = state
            .ports
            .records()
            .list::<T>(None, limit, token.as_deref())
            .await
            .map_err(ApiError::naming("nextToken"))?;
        let items: Vec<Value> = page.items.iter().filter(|r| keep(r)).map(&show).collect();
        if !items.is_empty() || page.next_token.is_none() {
            return Ok(Json(json!({field: items, "count": items.len(), "nextToken": page.next_token})).into_response());
        }
        token = page.next_token;
    }
}
