//! `request-certificate` and the scheduled `certificate-expiry` monitor.

use std::collections::BTreeMap;

use cfm_domain::certificate::{Certificate, CertificateStatus, ValidationRecord, due_threshold};
use cfm_domain::dns::{HostedZone, zone_for};
use cfm_domain::values::{CertificateArn, Timestamp};
use cfm_events::certificate::{
    CertificateExpired, CertificateExpiring, CertificateIssued, CertificateValidationFailed,
    CertificateValidationRecordsCreated, CertificateValidationRequired, RequestCertificateInput,
};
use cfm_events::envelope::{EventOrigin, stable_id};
use cfm_events::{OutgoingEvent, RequestContext};
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::json;

use crate::cx::Cx;
use crate::distributions::poll::Poll;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;

/// The certificate requested, at `$.requested`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requested {
    certificate_arn: CertificateArn,
}

/// `request-certificate`'s input with the requested certificate.
#[derive(Deserialize)]
pub struct WithArn {
    #[serde(flatten)]
    input: RequestCertificateInput,
    requested: Requested,
}

async fn certificate(cx: &Cx<'_>, arn: &CertificateArn) -> TaskResult<Certificate> {
    cx.ports
        .certificates
        .certificate(arn)
        .await?
        .ok_or_else(|| TaskError::NotFound(format!("certificate {arn} vanished")))
}

/// Requests the certificate; the idempotency token comes from the execution.
pub async fn request(cx: &Cx<'_>, input: RequestCertificateInput) -> TaskResult<TaskOutput> {
    let token: String = stable_id(&[cx.execution().as_str(), "request-certificate"]).chars().take(32).collect();
    let arn = cx.ports.certificates.request(&input.certificate, &token).await?;
    Ok(TaskOutput::value(json!({ "certificateArn": arn })))
}

/// Writes the validation records into the Route 53 hosted zones they fall in (the one the
/// request names, or the account's public zone with the longest matching name), one UPSERT
/// per zone, and announces the records no zone holds for someone to create. ACM fills the
/// records in shortly after the request, so a certificate without them yet is retried.
pub async fn publish_records(cx: &Cx<'_>, WithArn { input, requested }: WithArn) -> TaskResult<TaskOutput> {
    let certificate = certificate(cx, &requested.certificate_arn).await?;
    if certificate.validation_records.is_empty() && certificate.status == CertificateStatus::PendingValidation {
        return Err(TaskError::NotYet("ACM has not produced the validation records yet".into()));
    }
    let mut zones = cx.ports.dns.public_zones().await?;
    if let Some(named) = &input.certificate.hosted_zone_id {
        zones.retain(|z| z.id == named.as_str());
        if zones.is_empty() {
            return Err(TaskError::Refused(format!("the account has no public hosted zone {}", named.as_str())));
        }
    }
    // A wildcard and its apex share one record; a change may name it once.
    let mut records = certificate.validation_records.clone();
    records.sort_by(|a, b| a.name.cmp(&b.name));
    records.dedup_by(|a, b| a.name == b.name);
    let mut in_zones: BTreeMap<&str, (&HostedZone, Vec<ValidationRecord>)> = BTreeMap::new();
    let mut unzoned = Vec::new();
    for record in records {
        match zone_for(&record.name, &zones) {
            Some(zone) => in_zones.entry(zone.id.as_str()).or_insert_with(|| (zone, Vec::new())).1.push(record),
            None => unzoned.push(record),
        }
    }
    let mut output = TaskOutput::value(json!({ "records": certificate.validation_records, "toCreate": unzoned }));
    for (zone, written) in in_zones.into_values() {
        cx.ports.dns.upsert(&zone.id, &written).await?;
        let created = CertificateValidationRecordsCreated {
            certificate_arn: certificate.arn.clone(),
            domain_name: certificate.domain_name.clone(),
            hosted_zone_id: zone.id.clone(),
            hosted_zone_name: zone.name.clone(),
            records: written,
        };
        output = output.with_event(cx.event_for(&input.request, &created, &zone.id));
    }
    if !unzoned.is_empty() {
        let required = CertificateValidationRequired {
            certificate_arn: certificate.arn,
            domain_name: certificate.domain_name,
            records: unzoned,
        };
        output = output.with_event(cx.event(&input.request, &required));
    }
    Ok(output)
}

/// The input of a check on the requested certificate.
#[derive(Deserialize)]
pub struct CheckInput {
    requested: Requested,
    poll: Poll,
}

/// `CheckCertificate`: issued yet? Failed, timed out or revoked ends the wait with an error.
pub async fn check(cx: &Cx<'_>, CheckInput { requested, poll }: CheckInput) -> TaskResult<TaskOutput> {
    let arn = &requested.certificate_arn;
    let found = cx.ports.certificates.certificate(arn).await?;
    match found.as_ref().map(|c| c.status) {
        Some(CertificateStatus::Issued) => Ok(poll.next(true)?.output()),
        Some(CertificateStatus::PendingValidation) => Ok(poll.next(false)?.output()),
        None => Err(TaskError::Refused(format!("certificate {arn} is MISSING"))),
        Some(other) => {
            let reason = found.and_then(|c| c.failure_reason).map(|r| format!(" ({r})")).unwrap_or_default();
            Err(TaskError::Refused(format!("certificate {arn} is {other}{reason}")))
        }
    }
}

/// Announces the issued certificate.
pub async fn issued(cx: &Cx<'_>, WithArn { input, requested }: WithArn) -> TaskResult<TaskOutput> {
    let domain_name = certificate(cx, &requested.certificate_arn).await?.domain_name;
    let output = json!({ "certificateArn": requested.certificate_arn });
    let data = CertificateIssued { certificate_arn: requested.certificate_arn, domain_name };
    Ok(TaskOutput::value(output).with_event(cx.event(&input.request, &data)))
}

/// `request-certificate`'s input, with the certificate if the request got that far.
#[derive(Deserialize)]
pub struct MaybeRequested {
    #[serde(flatten)]
    input: RequestCertificateInput,
    #[serde(default)]
    requested: Option<Requested>,
}

/// Announces that validation failed (or the request itself did).
pub async fn failed(cx: &Cx<'_>, failed: Failed<MaybeRequested>) -> TaskResult<TaskOutput> {
    let (failure, MaybeRequested { input, requested }) = (failed.failure(), &failed.input);
    let data = CertificateValidationFailed {
        certificate_arn: requested.as_ref().map(|r| r.certificate_arn.as_str().to_owned()).unwrap_or_default(),
        failure,
    };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &data)))
}

/// `certificate-expiry`'s input.
#[derive(Deserialize, Default)]
pub struct ExpiryInput {
    /// The time to judge expiry against (tests inject it); default now.
    #[serde(default)]
    now: Option<Timestamp>,
}

/// What is due to be said about a certificate at `now`: the marker that remembers it was said
/// (naming the certificate, the threshold and the expiry, so a renewed certificate is announced
/// again) and the announcement.
fn due(
    certificate: &Certificate,
    now: Timestamp,
    origin: &EventOrigin<'_>,
    at: Timestamp,
) -> Option<(String, OutgoingEvent)> {
    let not_after = certificate.not_after?;
    let (arn, domain_name) = (certificate.arn.clone(), certificate.domain_name.clone());
    if not_after <= now {
        let key = format!("cert-expired/{arn}/{}", not_after.rfc3339());
        let expired = CertificateExpired { certificate_arn: arn, domain_name, not_after };
        return Some((key.clone(), OutgoingEvent::for_fact(&[&key], origin, &expired, at)));
    }
    let days_left = certificate.days_left(now)?;
    let threshold = due_threshold(days_left)?;
    let key = format!("cert-expiring/{arn}/{threshold}/{}", not_after.rfc3339());
    let expiring =
        CertificateExpiring { certificate_arn: arn, domain_name, days_left, threshold_days: threshold, not_after };
    Some((key.clone(), OutgoingEvent::for_fact(&[&key], origin, &expiring, at)))
}

/// `certificate-expiry` (scheduled): emits `CertificateExpiring` once per threshold and
/// certificate, and `CertificateExpired` once. Markers in the table remember what was said.
/// Each announcement is published before its marker is written, so a failure in between
/// announces it again next time, never not at all; its id is derived from the fact, so
/// consumers de-duplicate the repeat.
pub async fn check_expiry(cx: &Cx<'_>, input: ExpiryInput) -> TaskResult<TaskOutput> {
    let now = input.now.unwrap_or_else(|| cx.now());
    let system = RequestContext::system("cfm-expiry-monitor", cx.execution().as_str());
    let origin = EventOrigin {
        execution_arn: Some(cx.execution().as_str()),
        correlation_id: &system.correlation_id,
        actor: &system.actor,
    };
    let mut announced = 0;
    let watched = [CertificateStatus::Issued, CertificateStatus::Expired];
    for certificate in cx.ports.certificates.list(&watched).await? {
        let Some((key, announcement)) = due(&certificate, now, &origin, cx.now()) else { continue };
        if cx.ports.store.recall(&key).await?.is_some() {
            continue;
        }
        cx.ports.events.publish(&[announcement]).await?;
        cx.ports.store.remember(&key, &now.rfc3339()).await?;
        announced += 1;
    }
    Ok(TaskOutput::value(json!({ "events": announced })))
}
