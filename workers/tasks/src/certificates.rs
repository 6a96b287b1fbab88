//! `request-certificate` and the scheduled `certificate-expiry` monitor.

use cfm_aws::TaskError;
use cfm_events::certificate::{
    CertificateExpired, CertificateExpiring, CertificateIssued, CertificateValidationFailed,
    CertificateValidationRequired, RequestCertificateInput,
};
use cfm_events::envelope::EventOrigin;
use cfm_events::envelope::stable_id;
use cfm_events::origin::{CaughtFailure, RequestContext};
use cfm_events::{ErrorName, OutgoingEvent, TaskContext};
use cfm_runtime::TaskOutput;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Deps;
use crate::distributions::poll::Poll;
use crate::input::{event, parse};

/// Days before expiry at which `CertificateExpiring` is emitted, most urgent last.
pub const THRESHOLDS: [i64; 3] = [30, 14, 7];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Requested {
    certificate_arn: String,
}

#[derive(Deserialize)]
struct WithArn {
    #[serde(flatten)]
    input: RequestCertificateInput,
    requested: Requested,
}

/// Requests the certificate; the idempotency token comes from the execution.
pub async fn request(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let input: RequestCertificateInput = parse(input)?;
    let token: String = stable_id(&[&ctx.execution, "request-certificate"]).chars().take(32).collect();
    let c = &input.certificate;
    let arn = deps.acm.request(&c.domain_name, &c.subject_alternative_names, &token).await?;
    Ok(TaskOutput::value(json!({ "certificateArn": arn })))
}

/// Announces the DNS records to create. ACM fills them in shortly after the request, so a
/// certificate without them yet is retried.
pub async fn publish_records(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithArn { input, requested } = parse(input)?;
    let certificate = deps.acm.certificate(&requested.certificate_arn).await?.ok_or_else(|| {
        TaskError::new(ErrorName::NotFound, format!("certificate {} vanished", requested.certificate_arn))
    })?;
    if certificate.validation_records.is_empty() && certificate.status == "PENDING_VALIDATION" {
        return Err(TaskError::new(ErrorName::Transient, "ACM has not produced the validation records yet"));
    }
    let required = CertificateValidationRequired {
        certificate_arn: certificate.arn.clone(),
        domain_name: certificate.domain_name.clone(),
        records: certificate.validation_records.clone(),
    };
    Ok(TaskOutput::value(json!({ "records": certificate.validation_records })).with_event(event(
        ctx,
        &input.request,
        &required,
    )))
}

#[derive(Deserialize)]
struct CheckInput {
    requested: Requested,
    poll: Poll,
}

/// `CheckCertificate`: issued yet? Failed, timed out or revoked ends the wait with an error.
pub async fn check(deps: &Deps, input: Value) -> Result<TaskOutput, TaskError> {
    let CheckInput { requested, poll } = parse(input)?;
    let certificate = deps.acm.certificate(&requested.certificate_arn).await?;
    let status = certificate.as_ref().map_or_else(|| "MISSING".to_owned(), |c| c.status.clone());
    match status.as_str() {
        "ISSUED" => Ok(poll.next(true)?.output()),
        "PENDING_VALIDATION" => Ok(poll.next(false)?.output()),
        other => Err(TaskError::new(
            ErrorName::Validation,
            format!(
                "certificate {} is {other}{}",
                requested.certificate_arn,
                certificate.and_then(|c| c.failure_reason).map(|r| format!(" ({r})")).unwrap_or_default()
            ),
        )),
    }
}

/// Announces the issued certificate.
pub async fn issued(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithArn { input, requested } = parse(input)?;
    let domain_name =
        deps.acm.certificate(&requested.certificate_arn).await?.map(|c| c.domain_name).unwrap_or_default();
    let data = CertificateIssued { certificate_arn: requested.certificate_arn.clone(), domain_name };
    Ok(TaskOutput::value(json!({ "certificateArn": requested.certificate_arn })).with_event(event(
        ctx,
        &input.request,
        &data,
    )))
}

#[derive(Deserialize)]
struct WithFailure {
    #[serde(flatten)]
    input: RequestCertificateInput,
    #[serde(default)]
    requested: Option<Requested>,
    failure: CaughtFailure,
}

/// Announces that validation failed (or the request itself did).
pub async fn failed(ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let WithFailure { input, requested, failure } = parse(input)?;
    let data = CertificateValidationFailed {
        certificate_arn: requested.map(|r| r.certificate_arn).unwrap_or_default(),
        error: failure.error,
        cause: failure.cause,
    };
    Ok(TaskOutput::none().with_event(event(ctx, &input.request, &data)))
}

#[derive(Deserialize, Default)]
struct ExpiryInput {
    /// The time to judge expiry against (tests inject it); default now.
    #[serde(default)]
    now: Option<DateTime<Utc>>,
}

/// Which event a certificate with `days_left` needs, given thresholds already announced: the
/// most urgent threshold crossed, or expiry.
pub fn due_threshold(days_left: i64) -> Option<i64> {
    THRESHOLDS.iter().rev().find(|t| days_left <= **t).copied()
}

/// `certificate-expiry` (scheduled): emits `CertificateExpiring` once per threshold and
/// certificate, and `CertificateExpired` once. Markers in the table remember what was said.
/// Each announcement is published before its marker is written, so a failure in between
/// announces it again next time, never not at all; its id is derived from the fact (certificate,
/// threshold, expiry), so consumers de-duplicate the repeat.
pub async fn check_expiry(deps: &Deps, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
    let now = parse::<ExpiryInput>(input).unwrap_or_default().now.unwrap_or_else(Utc::now);
    let system = RequestContext { actor: "cfm-expiry-monitor".into(), correlation_id: ctx.execution.clone() };
    let origin = EventOrigin {
        execution_arn: Some(&ctx.execution),
        correlation_id: &system.correlation_id,
        actor: &system.actor,
    };
    let mut announced = 0;
    for certificate in deps.acm.list(&["ISSUED", "EXPIRED"]).await? {
        let (Some(epoch), Some(not_after)) = (certificate.not_after_epoch, certificate.not_after.clone()) else {
            continue;
        };
        let days_left = (epoch - now.timestamp()).div_euclid(86_400);
        let (arn, domain_name) = (certificate.arn.clone(), certificate.domain_name.clone());
        // The marker names the certificate, the threshold and the expiry date, so a renewed
        // certificate (new expiry) is announced again.
        let (key, announcement) = if epoch <= now.timestamp() {
            let expired =
                CertificateExpired { certificate_arn: arn.clone(), domain_name, not_after: not_after.clone() };
            let key = format!("cert-expired/{arn}/{not_after}");
            (key.clone(), OutgoingEvent::for_fact(&[&key], &origin, &expired, Utc::now()))
        } else if let Some(threshold) = due_threshold(days_left) {
            let expiring = CertificateExpiring {
                certificate_arn: arn.clone(),
                domain_name,
                days_left,
                threshold_days: threshold,
                not_after: not_after.clone(),
            };
            let key = format!("cert-expiring/{arn}/{threshold}/{not_after}");
            (key.clone(), OutgoingEvent::for_fact(&[&key], &origin, &expiring, Utc::now()))
        } else {
            continue;
        };
        if deps.store.recall(&key).await?.is_some() {
            continue;
        }
        deps.events.publish(&[announcement]).await?;
        deps.store.remember(&key, &now.to_rfc3339()).await?;
        announced += 1;
    }
    Ok(TaskOutput::value(json!({ "events": announced })))
}

#[cfg(test)]
mod tests {
    use super::due_threshold;

    #[test]
    fn the_most_urgent_crossed_threshold_is_due() {
        assert_eq!(due_threshold(45), None);
        assert_eq!(due_threshold(30), Some(30));
        assert_eq!(due_threshold(20), Some(30));
        assert_eq!(due_threshold(14), Some(14));
        assert_eq!(due_threshold(3), Some(7));
    }
}
