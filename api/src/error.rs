//! API errors and their HTTP answers. User mistakes are 4xx with every problem listed; AWS
//! failures are 502/503 with the detail logged, not leaked.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cfm_domain::claim::Busy;
use cfm_domain::problems::Problems;
use cfm_ports::store::UpdateError;
use cfm_ports::{ErrorKind, ServiceError};
use serde_json::json;

/// Everything a handler can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request breaks rules; every problem is listed.
    #[error("invalid request: {0}")]
    Invalid(Problems),
    /// 401: no valid bearer token.
    #[error("missing or invalid bearer token")]
    Unauthorized,
    /// 403: authenticated but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 409: the resource's state forbids it now.
    #[error("{0}")]
    Conflict(String),
    /// 413: the body is larger than a workflow can carry.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// 422: well-formed but cannot be done (e.g. an Idempotency-Key reused for another request).
    #[error("{0}")]
    Unprocessable(String),
    /// 502/503: AWS failed us.
    #[error("upstream failure: {0}")]
    Upstream(ServiceError),
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err.kind {
            ErrorKind::NotFound => ApiError::NotFound(err.message),
            ErrorKind::Rejected => ApiError::invalid("request", err.message),
            _ => ApiError::Upstream(err),
        }
    }
}

impl From<Busy> for ApiError {
    fn from(busy: Busy) -> Self {
        ApiError::Conflict(busy.0)
    }
}

impl From<Problems> for ApiError {
    fn from(problems: Problems) -> Self {
        ApiError::Invalid(problems)
    }
}

impl<E: Into<ApiError>> From<UpdateError<E>> for ApiError {
    fn from(err: UpdateError<E>) -> Self {
        match err {
            UpdateError::Missing(what) => ApiError::NotFound(what),
            UpdateError::Refused(refused) => refused.into(),
            UpdateError::Contended(what) => ApiError::Conflict(format!("{what} kept changing; try again")),
            UpdateError::Service(err) => err.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::Invalid(_) => (StatusCode::BAD_REQUEST, "ValidationFailed"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "Forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "NotFound"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "Conflict"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge"),
            ApiError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "Unprocessable"),
            ApiError::Upstream(err) if matches!(err.kind, ErrorKind::Throttled | ErrorKind::Unavailable) => {
                (StatusCode::SERVICE_UNAVAILABLE, "Unavailable")
            }
            ApiError::Upstream(_) => (StatusCode::BAD_GATEWAY, "UpstreamFailure"),
        };
        let mut body = match &self {
            ApiError::Invalid(problems) => {
                let message = match problems.total() - problems.list().len() {
                    0 => "the request is invalid".to_owned(),
                    more => format!(
                        "the request is invalid; the first {} problems are listed, {more} more were found",
                        problems.list().len()
                    ),
                };
                json!({"error": code, "message": message, "problems": problems.list(), "problemCount": problems.total()})
            }
            ApiError::Upstream(err) => {
                tracing::error!(error = %err, "AWS call failed while serving a request");
                json!({"error": code, "message": "an AWS call failed; try again later"})
            }
            other => json!({"error": code, "message": other.to_string()}),
        };
        if let Some(id) = crate::access::request_id() {
            body["requestId"] = json!(id);
        }
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl ApiError {
    /// Turns a port error into an answer, naming `field` when the service rejected the input
    /// (a token that fails its check, an ARN it does not accept).
    pub fn naming(field: &str) -> impl Fn(ServiceError) -> ApiError + '_ {
        move |err| match err.kind {
            ErrorKind::Rejected => ApiError::invalid(field, err.message),
            _ => err.into(),
        }
    }

    /// A 400 naming one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut problems = Problems::new();
        problems.add(field, message);
        ApiError::Invalid(problems)
    }
}
