//! The cfm HTTP API: one axum router over the ports, served locally by `cfm local up` and on
//! AWS Lambda.
//!
//! Mutations parse everything up front (400 listing every problem), then take the one
//! [`mutation`] path: replay, preflight, hold, start, answering `202 Accepted` with the
//! execution. Reads come from the cfm table and the services. Every route needs
//! `Authorization: Bearer <token>`.

mod access;
pub mod auth;
mod certificates;
pub mod cognito;
mod cors;
mod distributions;
mod edge;
pub mod error;
mod executions;
mod history;
mod mutation;
mod origins;
mod policies;
mod records;
mod request;
mod state;
mod templates;

#[cfg(test)]
mod tests;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use cfm_domain::distribution::DistributionRecord;
use cfm_domain::edge::EdgeFunctionRecord;
use cfm_domain::origin::OriginRecord;
use cfm_domain::template::TemplateRecord;
use cfm_domain::values::{DistributionId, EdgeFunctionId, OriginId, TemplateId};

use policies::{Cache, OriginRequest};

pub use auth::{LocalTokens, Principal, Verifier};
pub use cors::{AllowedOrigins, BadOrigin};
pub use error::ApiError;
pub use state::{AppState, Machines};

/// The API router over `state`.
pub fn router(state: AppState) -> Router {
    // Outermost, so a browser's preflight is answered before any route or token check.
    let cors = state.cors.layer();
    Router::new()
        .route("/origins", get(origins::list).post(origins::create))
        .route("/origins/{id}", get(origins::get).put(origins::update).delete(origins::delete))
        .route("/origins/{id}/history", get(history::history::<OriginRecord, OriginId>))
        .route("/distributions", get(distributions::list).post(distributions::create))
        .route("/distributions/{id}", get(distributions::get).put(distributions::update).delete(distributions::delete))
        .route("/distributions/{id}/status", get(distributions::status))
        .route("/distributions/{id}/invalidate", post(distributions::invalidate))
        .route("/distributions/{id}/history", get(history::history::<DistributionRecord, DistributionId>))
        .route("/cache-policies", get(policies::list::<Cache>).post(policies::create::<Cache>))
        .route(
            "/cache-policies/{id}",
            get(policies::get::<Cache>).put(policies::update::<Cache>).delete(policies::delete::<Cache>),
        )
        .route("/cache-policies/{id}/history", get(policies::history::<Cache>))
        .route("/origin-request-policies", get(policies::list::<OriginRequest>).post(policies::create::<OriginRequest>))
        .route(
            "/origin-request-policies/{id}",
            get(policies::get::<OriginRequest>)
                .put(policies::update::<OriginRequest>)
                .delete(policies::delete::<OriginRequest>),
        )
        .route("/origin-request-policies/{id}/history", get(policies::history::<OriginRequest>))
        .route("/edge-functions", get(edge::list))
        .route("/edge-functions/preview", post(edge::preview))
        .route("/edge-functions/{id}", get(edge::get))
        .route("/edge-functions/{id}/history", get(history::history::<EdgeFunctionRecord, EdgeFunctionId>))
        .route("/templates", get(templates::list).post(templates::create))
        .route("/templates/{id}", get(templates::get).put(templates::update).delete(templates::delete))
        .route("/templates/{id}/versions", get(templates::versions))
        .route("/templates/{id}/apply", post(templates::apply))
        .route("/templates/{id}/history", get(history::history::<TemplateRecord, TemplateId>))
        .route("/certificates", get(certificates::list).post(certificates::request))
        .route("/certificates/{arn}", get(certificates::get))
        .route("/certificates/{arn}/history", get(history::certificate_history))
        .route("/executions", get(executions::list))
        .route("/executions/{id}", get(executions::get))
        .route("/executions/{id}/steps", get(executions::steps))
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .layer(DefaultBodyLimit::max(request::MAX_BODY_BYTES))
        .with_state(state)
        .layer(cors)
        // Outside CORS, so preflights are logged and carry a request id too.
        .layer(axum::middleware::from_fn(access::access))
}
