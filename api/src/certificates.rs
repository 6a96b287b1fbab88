//! `/certificates` (ACM in us-east-1): list every page with details, get one with expiry
//! facts and the distributions using it, and request one through `request-certificate`.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use cfm_domain::certificate::{Certificate, CertificateRequest, CertificateStatus};
use cfm_domain::distribution::DistributionRecord;
use cfm_domain::values::Timestamp;
use cfm_domain::vocabulary::Vocabulary;
use cfm_events::certificate::RequestCertificateInput;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::mutation::{Mutation, Nothing};
use crate::request::{ArnPath, Body, Caller, member, parse};
use crate::state::AppState;

/// Days before expiry that count as "expiring soon".
pub(crate) const EXPIRING_SOON_DAYS: i64 = 30;

fn view(certificate: &Certificate, now: Timestamp) -> Value {
    let mut value = serde_json::to_value(certificate).unwrap_or_default();
    if let Some(days) = certificate.days_left(now) {
        value["daysUntilExpiry"] = json!(days);
        value["expiringSoon"] = json!((0..EXPIRING_SOON_DAYS).contains(&days));
        value["expired"] = json!(days < 0);
    }
    value
}

/// `?status=` on the list: an ACM status, or `ALL`; default `ISSUED`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    status: Option<String>,
}

/// `GET /certificates`.
pub(crate) async fn list(
    State(state): State<AppState>,
    _principal: Principal,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let statuses = match query.status.as_deref() {
        None => vec![CertificateStatus::Issued],
        Some("ALL") => CertificateStatus::ALL.to_vec(),
        Some(other) => vec![member::<CertificateStatus>("status", Some(other))?.unwrap_or(CertificateStatus::Issued)],
    };
    let now = state.now();
    let certificates: Vec<Value> =
        state.ports.certificates.list(&statuses).await?.iter().map(|c| view(c, now)).collect();
    Ok(Json(json!({"certificates": certificates, "count": certificates.len()})).into_response())
}

/// `GET /certificates/{arn}` (the ARN URL-encoded).
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    ArnPath(arn): ArnPath,
) -> Result<Response, ApiError> {
    let certificate = state
        .ports
        .certificates
        .certificate(&arn)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no certificate {arn} in us-east-1")))?;
    let mut value = view(&certificate, state.now());
    let users: Vec<_> = state
        .ports
        .records()
        .all::<DistributionRecord>()
        .await?
        .into_iter()
        .filter(|d| d.spec.certificate.as_ref().is_some_and(|c| c.certificate_arn == arn))
        .map(|d| d.id)
        .collect();
    value["distributions"] = json!(users);
    Ok(Json(value).into_response())
}

/// `POST /certificates`: `{domainName, subjectAlternativeNames?}`.
pub(crate) async fn request(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let order = parse(&body, CertificateRequest::parse)?;
    // Execution names allow neither '*' nor more than 80 characters.
    let subject = order.domain_name.as_str().replace('*', "wildcard");
    let mutation = Mutation::new(&caller, "request-certificate", &subject, |request| RequestCertificateInput {
        certificate: order.clone(),
        request,
    })?;
    state.mutate(mutation, async { Ok(()) }, Nothing).await
}
