//! Request decoding that answers in the API's error shape: JSON bodies (bounded), the
//! `Idempotency-Key` header and pagination parameters.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use cfm_core::Problems;
use cfm_core::ids::valid_idempotency_key;
use cfm_core::problems::excerpt;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest body the API reads. A workflow's input (at most 256 KiB in Step Functions)
/// carries the body plus ids and the request context, so bodies stop well short of that.
pub(crate) const MAX_BODY_BYTES: usize = 240 * 1024;

/// Bodies up to this size are read and thrown away before the 413; larger ones are cut off.
const MAX_DRAINED_BYTES: usize = 8 * 1024 * 1024;

async fn discard(body: axum::body::Body) {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut seen = 0;
    while let Some(Ok(frame)) = body.frame().await {
        seen += frame.data_ref().map_or(0, |d| d.len());
        if seen > MAX_DRAINED_BYTES {
            return;
        }
    }
}

/// A request body of at most [`MAX_BODY_BYTES`]; a larger one is a 413 before anything parses it.
pub(crate) struct Body(pub(crate) Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let declared = request.headers().get(axum::http::header::CONTENT_LENGTH);
        let declared = declared.and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
            // Read what a client is still sending (without keeping it), up to a bound, so it
            // sees the 413 instead of a connection closed under its feet.
            if declared.is_some_and(|n| n <= MAX_DRAINED_BYTES) {
                discard(request.into_body()).await;
            }
            return Err(ApiError::TooLarge(MAX_BODY_BYTES));
        }
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(Body(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::TooLarge(MAX_BODY_BYTES))
            }
            Err(rejection) => Err(ApiError::invalid("body", rejection.body_text())),
        }
    }
}

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
        ApiError::invalid(
            "body",
            format!("not valid JSON: {}", excerpt(message.split(" at line ").next().unwrap_or_default())),
        )
    })?;
    if !value.is_object() {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = excerpt(&err.path().to_string());
        let message = err.into_inner().to_string();
        // serde quotes the offending value; keep the message short whatever the value's size.
        let message = excerpt(message.split(" at line ").next().unwrap_or_default());
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
