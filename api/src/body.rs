//! Request decoding that answers in the API's error shape: JSON bodies, the
//! `Idempotency-Key` header and pagination parameters.

use axum::http::HeaderMap;
use cfm_core::Problems;
use cfm_core::ids::valid_idempotency_key;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest page a list returns.
pub(crate) const MAX_LIMIT: i32 = 100;
const DEFAULT_LIMIT: i32 = 50;

/// Decodes a JSON body; a shape error names the field it is about.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid("body", "a JSON object is required"));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|err| {
        let message = err.to_string();
        ApiError::invalid("body", format!("not valid JSON: {}", message.split(" at line ").next().unwrap_or_default()))
    })?;
    if !value.is_object() {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        let message = message.split(" at line ").next().unwrap_or_default().to_owned();
        let named = ["missing field `", "unknown field `"]
            .iter()
            .find_map(|p| message.strip_prefix(p))
            .and_then(|rest| rest.split('`').next());
        let field = match (named, path.as_str()) {
            (Some(name), ".") => name.to_owned(),
            (Some(name), path) if !path.ends_with(name) => format!("{path}.{name}"),
            (_, ".") => "body".to_owned(),
            _ => path,
        };
        ApiError::invalid(&field, message)
    })
}

/// The `Idempotency-Key` header, if given and valid.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    match value.to_str() {
        Ok(key) if valid_idempotency_key(key) => Ok(Some(key.to_owned())),
        _ => Err(ApiError::invalid("Idempotency-Key", "must be 1 to 128 visible ASCII characters")),
    }
}

/// `?limit=&nextToken=` on lists.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageQuery {
    limit: Option<String>,
    next_token: Option<String>,
}

impl PageQuery {
    /// The limit (default 50) and token, or a 400 naming `limit`.
    pub(crate) fn parse(&self) -> Result<(i32, Option<&str>), ApiError> {
        let limit = match &self.limit {
            None => DEFAULT_LIMIT,
            Some(text) => match text.parse::<i32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => return Err(ApiError::invalid("limit", format!("must be a whole number from 1 to {MAX_LIMIT}"))),
            },
        };
        Ok((limit, self.next_token.as_deref().filter(|t| !t.is_empty())))
    }
}

/// Turns validation problems into a 400.
pub(crate) fn checked<T>(result: Result<T, Problems>) -> Result<T, ApiError> {
    result.map_err(ApiError::Invalid)
}
