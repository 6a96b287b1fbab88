//! The cfm HTTP API: one axum router over the ports, served locally by `cfm local up` and on
//! AWS Lambda.
//!
//! Mutations parse everything up front (400 listing every problem), then take the one
//! [`mutation`] path: replay, preflight, hold, start, answering `202 Accepted` with the
//! execution. Reads come from the cfm table and the services. Every route needs
//! `Authorization: Bearer <token>`.

mod access;
pub mod auth;
mod bulk;
mod certificates;
pub mod cognito;
mod console;
mod cors;
mod distributions;
mod edge;
pub mod error;
mod executions;
mod fleet;
mod history;
mod metrics;
mod mutation;
mod openapi;
mod origins;
mod policies;
mod records;
mod request;
mod routes;
mod state;
mod templates;

#[cfg(test)]
mod tests;

pub use auth::{LocalTokens, Principal, Verifier};
use axum::Router;
use axum::extract::DefaultBodyLimit;
pub use cors::{AllowedOrigins, BadOrigin};
pub use error::ApiError;
pub use state::{AppState, Machines};

/// The API router over `state`.
pub fn router(state: AppState) -> Router {
    // Outermost, so a browser's preflight is answered before any route or token check.
    let cors = state.cors.layer();
    let (routes, _) = routes::all();
    routes
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .layer(DefaultBodyLimit::max(request::MAX_BODY_BYTES))
        .with_state(state)
        .layer(cors)
        // Outside CORS, so preflights are logged and carry a request id too.
        .layer(axum::middleware::from_fn(access::access))
}

/// The OpenAPI 3.1 document of [`router`] (also served at `/openapi.json`).
pub fn openapi() -> serde_json::Value {
    routes::all().1
}
