//! `/certificates` (ACM in us-east-1): list every page with details, get one with expiry
//! facts and the distributions using it, and request one through `request-certificate`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use cfm_aws::acm::{Certificate, STATUSES};
use cfm_core::Problems;
use cfm_core::distribution::{check_certificate_arn, is_hostname, within};
use cfm_core::distribution_record::DistributionRecord;
use cfm_core::problems::quoted;
use cfm_events::certificate::{CertificateRequest, RequestCertificateInput};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::body::{Body, checked, decode, idempotency_key};
use crate::error::ApiError;
use crate::executions::Start;
use crate::state::AppState;

/// Days before expiry that count as "expiring soon".
const EXPIRING_SOON_DAYS: i64 = 30;
/// ACM allows up to 100 names per certificate by default.
const MAX_NAMES: usize = 100;

fn view(c: &Certificate) -> Value {
    let mut value = serde_json::to_value(c).unwrap_or_default();
    if let Some(epoch) = c.not_after_epoch {
        let days = (epoch - chrono::Utc::now().timestamp()).div_euclid(86_400);
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
    let statuses: Vec<&str> = match query.status.as_deref() {
        None => vec!["ISSUED"],
        Some("ALL") => STATUSES.to_vec(),
        Some(s) if STATUSES.contains(&s) => vec![s],
        Some(_) => return Err(ApiError::invalid("status", format!("must be ALL or one of {}", STATUSES.join(", ")))),
    };
    let certificates: Vec<Value> = state.acm.list(&statuses).await?.iter().map(view).collect();
    Ok(Json(json!({"certificates": certificates, "count": certificates.len()})).into_response())
}

/// `GET /certificates/{arn}` (the ARN URL-encoded).
pub(crate) async fn get(
    State(state): State<AppState>,
    _principal: Principal,
    Path(arn): Path<String>,
) -> Result<Response, ApiError> {
    let mut problems = Problems::new();
    check_certificate_arn(&mut problems, "arn", &arn);
    checked(problems.into_result(()))?;
    let certificate = state
        .acm
        .certificate(&arn)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no certificate {arn} in us-east-1")))?;
    let mut value = view(&certificate);
    let mut users = Vec::new();
    let mut token = None;
    loop {
        let page = state.store.list::<DistributionRecord>(100, token.as_deref(), None).await?;
        users.extend(
            page.items.into_iter().filter(|d| d.spec.certificate_arn.as_deref() == Some(arn.as_str())).map(|d| d.id),
        );
        match page.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    value["distributions"] = json!(users);
    Ok(Json(value).into_response())
}

/// `POST /certificates`: `{domainName, subjectAlternativeNames?}`.
pub(crate) async fn request(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    principal.require_admin()?;
    let key = idempotency_key(&headers)?;
    let certificate: CertificateRequest = decode(&body)?;
    let mut problems = Problems::new();
    problems.check(certificate.domain_name.is_empty(), "domainName", "is required");
    problems.check(
        !certificate.domain_name.is_empty() && !is_hostname(&certificate.domain_name),
        "domainName",
        format!("{} is not a valid lowercase domain name", quoted(&certificate.domain_name)),
    );
    let names = &certificate.subject_alternative_names;
    if within(&mut problems, "subjectAlternativeNames", names.len(), MAX_NAMES - 1) {
        for (i, name) in names.iter().enumerate() {
            problems.check(
                !is_hostname(name),
                format!("subjectAlternativeNames[{i}]"),
                format!("{} is not a valid lowercase domain name", quoted(name)),
            );
        }
    }
    checked(problems.into_result(()))?;
    // Execution names allow neither '*' nor more than 80 characters.
    let subject = certificate.domain_name.replace('*', "wildcard");
    let start = Start::new("request-certificate", &subject, key.as_deref(), &principal, &headers, |request| {
        RequestCertificateInput { certificate: certificate.clone(), request }
    })?;
    if let Some(replay) = state.replay(&start).await? {
        return Ok(replay);
    }
    state.start(&start).await
}
