//! ACM in us-east-1 behind the certificates port.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_acm::types::ValidationMethod;
use cfm_domain::certificate::{Certificate, CertificateOrder, CertificateStatus, ValidationRecord};
use cfm_domain::values::{CertificateArn, Checked};
use cfm_domain::vocabulary::Vocabulary;
use cfm_ports::certificates::Certificates;
use cfm_ports::{ErrorKind, PortResult, ServiceError};

use crate::classify::{aws, error_code, unexpected};
use crate::config::AwsContext;
use crate::time::timestamp;

/// Details fetched at once when listing (ACM's DescribeCertificate rate is modest).
const DESCRIBE_CONCURRENCY: usize = 8;

/// ACM (us-east-1).
#[derive(Debug, Clone)]
pub struct AcmCertificates {
    client: aws_sdk_acm::Client,
}

impl AcmCertificates {
    /// A client from the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { client: aws.acm() }
    }
}

#[async_trait]
impl Certificates for AcmCertificates {
    async fn certificate(&self, arn: &CertificateArn) -> PortResult<Option<Certificate>> {
        let out = match self.client.describe_certificate().certificate_arn(arn.as_str()).send().await {
            Ok(out) => out,
            Err(err) if matches!(error_code(&err), Some("ResourceNotFoundException")) => return Ok(None),
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
        let status = detail.status().map(|s| s.as_str()).unwrap_or_default();
        Ok(Some(Certificate {
            arn: arn.clone(),
            domain_name,
            domains,
            status: CertificateStatus::parse(status)
                .ok_or_else(|| unexpected(&format!("certificate status {status}")))?,
            r#type: detail.r#type().map(|t| t.as_str().to_owned()),
            not_after: detail.not_after().and_then(timestamp),
            in_use_by: detail.in_use_by().to_vec(),
            validation_records,
            failure_reason: detail.failure_reason().map(|r| r.as_str().to_owned()),
        }))
    }

    async fn list(&self, statuses: &[CertificateStatus]) -> PortResult<Vec<Certificate>> {
        let mut arns = Vec::new();
        let mut token = None;
        loop {
            let mut request = self.client.list_certificates().set_next_token(token).max_items(1000);
            for status in statuses {
                request = request.certificate_statuses(aws_sdk_acm::types::CertificateStatus::from(status.as_str()));
            }
            let page = request.send().await.map_err(aws("ListCertificates"))?;
            arns.extend(
                page.certificate_summary_list()
                    .iter()
                    .filter_map(|c| c.certificate_arn())
                    .filter_map(|a| CertificateArn::parse(a).ok()),
            );
            match page.next_token() {
                Some(next) => token = Some(next.to_owned()),
                None => break,
            }
        }
        let limit = Arc::new(tokio::sync::Semaphore::new(DESCRIBE_CONCURRENCY));
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
            let found =
                task.await.map_err(|e| ServiceError::new(ErrorKind::Failed, format!("DescribeCertificate: {e}")))??;
            certificates.extend(found);
        }
        Ok(certificates)
    }

    async fn request(&self, order: &CertificateOrder, token: &str) -> PortResult<CertificateArn> {
        let mut request = self
            .client
            .request_certificate()
            .domain_name(order.domain_name.as_str())
            .validation_method(ValidationMethod::Dns)
            .idempotency_token(token);
        for name in &order.subject_alternative_names {
            request = request.subject_alternative_names(name.as_str());
        }
        let out = request.send().await.map_err(aws("RequestCertificate"))?;
        let arn = out.certificate_arn().ok_or_else(|| unexpected("RequestCertificate returned no ARN"))?;
        CertificateArn::parse(arn).map_err(|_| unexpected(&format!("certificate ARN {arn}")))
    }
}
