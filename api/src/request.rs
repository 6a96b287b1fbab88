//! Request decoding that answers in the API's error shape: JSON bodies (bounded) parsed into
//! domain types, the caller of a mutation with its `Idempotency-Key`, and pagination.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use cfm_domain::problems::{Problems, excerpt, quoted};
use cfm_domain::values::{CertificateArn, Checked, IdempotencyKey};
use cfm_domain::vocabulary::Vocabulary;
use cfm_events::RequestContext;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

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
pub(crate) const MAX_LIMIT: u32 = 100;
const DEFAULT_LIMIT: u32 = 50;

/// Decodes a JSON body as the request shape `R` and parses it into the domain with `parse`:
/// a shape error names its field, and parsing reports every problem.
pub(crate) fn parse<R: DeserializeOwned, T>(
    bytes: &[u8],
    parse: impl FnOnce(&R) -> Result<T, Problems>,
) -> Result<T, ApiError> {
    Ok(parse(&decode::<R>(bytes)?)?)
}

/// Decodes a JSON body; a shape error names the field it is about.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
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
fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let text = value.to_str().map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII characters"))?;
    IdempotencyKey::parse(text).map(Some).map_err(|broken| ApiError::invalid("Idempotency-Key", broken.join("; ")))
}

/// Who asks for a change: an admin, with the request's `Idempotency-Key` and headers.
pub(crate) struct Caller {
    principal: Principal,
    key: Option<IdempotencyKey>,
    correlation_id: Option<String>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await?;
        principal.require_admin()?;
        let key = idempotency_key(&parts.headers)?;
        let correlation_id = parts
            .headers
            .get("x-correlation-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| (1..=128).contains(&v.len()))
            .map(str::to_owned);
        Ok(Self { principal, key, correlation_id })
    }
}

impl Caller {
    /// The `Idempotency-Key`, if any.
    pub(crate) fn key(&self) -> Option<&str> {
        self.key.as_ref().map(IdempotencyKey::as_str)
    }

    /// Who asks.
    pub(crate) fn actor(&self) -> &str {
        &self.principal.sub
    }

    /// The request context recorded in events: the caller, and a correlation id from
    /// `X-Correlation-Id` or else `fallback` (the execution name, stable across retries).
    pub(crate) fn context(&self, fallback: &str) -> RequestContext {
        let correlation_id = self.correlation_id.clone().unwrap_or_else(|| fallback.to_owned());
        RequestContext { actor: self.principal.sub.clone(), correlation_id }
    }
}

/// A resource id from the path. Text that cannot be an id of its kind names nothing: a 404,
/// like an id that is not there, answered by [`Id::get`] once the body is read (so an
/// oversized body is a 413 whatever the path).
pub(crate) struct Id<T>(Result<T, String>);

impl<T: Checked> Id<T> {
    /// The id, or the 404.
    pub(crate) fn get(self) -> Result<T, ApiError> {
        self.0
            .map_err(|text| ApiError::NotFound(format!("nothing has the id {}: it is not {}", quoted(&text), T::WHAT)))
    }
}

impl<T: Checked + Send, S: Send + Sync> FromRequestParts<S> for Id<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let text = match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(text)) => text,
            Err(_) => String::new(),
        };
        Ok(Id(T::parse(&text).map_err(|_| text)))
    }
}

/// A query parameter naming a member of vocabulary `V`, if given.
pub(crate) fn member<V: Vocabulary>(field: &str, text: Option<&str>) -> Result<Option<V>, ApiError> {
    let mut problems = Problems::new();
    match text {
        None => Ok(None),
        Some(text) => V::parse_into(&mut problems, field, text).map(Some).ok_or(ApiError::Invalid(problems)),
    }
}

/// A certificate ARN from the path (URL-encoded): one that is not an ARN is a 400 naming `arn`.
pub(crate) struct ArnPath(pub(crate) CertificateArn);

impl<S: Send + Sync> FromRequestParts<S> for ArnPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(text) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::invalid("arn", e.body_text()))?;
        let mut problems = Problems::new();
        CertificateArn::parse_into(&mut problems, "arn", &text).map(ArnPath).ok_or(ApiError::Invalid(problems))
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
    pub(crate) fn parse(&self) -> Result<(u32, Option<&str>), ApiError> {
        let limit = match &self.limit {
            None => DEFAULT_LIMIT,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => return Err(ApiError::invalid("limit", format!("must be a whole number from 1 to {MAX_LIMIT}"))),
            },
        };
        Ok((limit, self.next_token.as_deref().filter(|t| !t.is_empty())))
    }
}
