//! ACM in us-east-1: the certificates CloudFront can use.

use cfm_events::ErrorName;
use cfm_events::certificate::ValidationRecord;
use serde::Serialize;

use crate::classify::{TaskError, aws, error_code};
use crate::config::AwsContext;

/// What cfm reads about a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    /// Its ARN.
    pub arn: String,
    /// The main domain.
    pub domain_name: String,
    /// Every name it covers (the main domain first).
    pub domains: Vec<String>,
    /// `ISSUED`, `PENDING_VALIDATION`, `FAILED`, `EXPIRED`, …
    pub status: String,
    /// `AMAZON_ISSUED` or `IMPORTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Expiry as seconds since the epoch.
    #[serde(skip)]
    pub not_after_epoch: Option<i64>,
    /// RFC 3339 expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// Resources ACM says use it.
    pub in_use_by: Vec<String>,
    /// The DNS records that prove control, once ACM has made them.
    pub validation_records: Vec<ValidationRecord>,
    /// Why it failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

/// ACM certificate statuses, for list filters.
pub const STATUSES: &[&str] =
    &["PENDING_VALIDATION", "ISSUED", "INACTIVE", "EXPIRED", "VALIDATION_TIMED_OUT", "REVOKED", "FAILED"];

/// Details fetched at once when listing (ACM's DescribeCertificate rate is modest).
const DESCRIBE_CONCURRENCY: usize = 8;

/// The ACM client (us-east-1).
#[derive(Debug, Clone)]
pub struct Acm {
    client: aws_sdk_acm::Client,
}

impl Acm {
    /// A client from the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { client: aws.acm() }
    }

    /// The certificate, or `None` if there is no such one.
    pub async fn certificate(&self, arn: &str) -> Result<Option<Certificate>, TaskError> {
        let out = match self.client.describe_certificate().certificate_arn(arn).send().await {
            Ok(out) => out,
            Err(err) if matches!(error_code(&err), Some("ResourceNotFoundException")) => return Ok(None),
            Err(err) if matches!(error_code(&err), Some("InvalidArnException" | "ValidationException")) => {
                return Err(TaskError::new(ErrorName::Validation, format!("'{arn}' is not a certificate ARN")));
            }
            Err(err) => return Err(aws("DescribeCertificate")(err)),
        };
        let Some(detail) = out.certificate() else { return Ok(None) };
        let domain_name = detail.domain_name().unwrap_or_default().to_owned();
        let mut domains: Vec<String> = detail.subject_alternative_names().to_vec();
        if !domains.contains(&domain_name) {
            domains.insert(0, domain_name.clone());
        }
        let validation_records = detail
            .domain_validation_options()
            .iter()
            .filter_map(|o| {
                o.resource_record().map(|r| ValidationRecord {
                    domain_name: o.domain_name().to_owned(),
                    name: r.name().to_owned(),
                    r#type: r.r#type().as_str().to_owned(),
                    value: r.value().to_owned(),
                })
            })
            .collect();
        Ok(Some(Certificate {
            arn: arn.to_owned(),
            domain_name,
            domains,
            status: detail.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            r#type: detail.r#type().map(|t| t.as_str().to_owned()),
            not_after_epoch: detail.not_after().map(|t| t.secs()),
            not_after: detail.not_after().and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
            in_use_by: detail.in_use_by().to_vec(),
            validation_records,
            failure_reason: detail.failure_reason().map(|r| r.as_str().to_owned()),
        }))
    }

    /// Every certificate in `statuses` (all pages), with details fetched a few at a time.
    pub async fn list(&self, statuses: &[&str]) -> Result<Vec<Certificate>, TaskError> {
        let mut arns = Vec::new();
        let mut token = None;
        loop {
            let mut request = self.client.list_certificates().set_next_token(token).max_items(1000);
            for status in statuses {
                request = request.certificate_statuses(aws_sdk_acm::types::CertificateStatus::from(*status));
            }
            let page = request.send().await.map_err(aws("ListCertificates"))?;
            arns.extend(page.certificate_summary_list().iter().filter_map(|c| c.certificate_arn().map(str::to_owned)));
            match page.next_token() {
                Some(next) => token = Some(next.to_owned()),
                None => break,
            }
        }
        let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(DESCRIBE_CONCURRENCY));
        let tasks: Vec<_> = arns
            .into_iter()
            .map(|arn| {
                let (acm, limit) = (self.clone(), limit.clone());
                tokio::spawn(async move {
                    let _permit = limit.acquire().await;
                    acm.certificate(&arn).await
                })
            })
            .collect();
        let mut certificates = Vec::new();
        for task in tasks {
            let result = task.await.map_err(|e| TaskError::new(ErrorName::Internal, e.to_string()))?;
            certificates.extend(result?);
        }
        Ok(certificates)
    }

    /// Requests a DNS-validated certificate. The token makes a repeated request return the same
    /// certificate (ACM honours it for about an hour).
    pub async fn request(&self, domain: &str, alternative_names: &[String], token: &str) -> Result<String, TaskError> {
        let mut request = self
            .client
            .request_certificate()
            .domain_name(domain)
            .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
            .idempotency_token(token);
        for name in alternative_names.iter().filter(|n| *n != domain) {
            request = request.subject_alternative_names(name);
        }
        let out = request.send().await.map_err(aws("RequestCertificate"))?;
        out.certificate_arn()
            .map(str::to_owned)
            .ok_or_else(|| TaskError::new(ErrorName::Internal, "RequestCertificate returned no ARN"))
    }
}

/// Whether `domain` (a certificate name, maybe `*.example.com`) covers `alias`.
pub fn covers(domain: &str, alias: &str) -> bool {
    match domain.strip_prefix("*.") {
        Some(parent) => {
            alias.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && label != "*" && rest == parent)
                || alias == domain
        }
        None => domain == alias,
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("*.example.com", "cdn.example.com"));
        assert!(covers("*.example.com", "*.example.com"));
        assert!(!covers("*.example.com", "a.b.example.com"));
        assert!(!covers("*.example.com", "example.com"));
        assert!(covers("example.com", "example.com"));
    }
}
