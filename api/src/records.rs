//! Reading stored records for answers: 404 when missing, bookkeeping fields left out.

use cfm_aws::store::Stored;
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// The record, or a 404 naming it.
pub(crate) async fn require<T: Stored>(state: &AppState, id: &str) -> Result<T, ApiError> {
    state.store.get::<T>(id).await?.ok_or_else(|| ApiError::NotFound(format!("{} '{id}' does not exist", T::NOUN)))
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
