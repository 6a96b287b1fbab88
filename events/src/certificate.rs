//! ACM certificates for CloudFront (us-east-1): the `request-certificate` input and the
//! certificate events.

use cfm_domain::certificate::{CertificateOrder, ValidationRecord};
use cfm_domain::failure::Failure;
use cfm_domain::values::{CertificateArn, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event_detail;
use crate::request::RequestContext;

/// Input of `request-certificate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestCertificateInput {
    /// What to request.
    pub certificate: CertificateOrder,
    /// Who asked.
    pub request: RequestContext,
}

/// A requested certificate waits for these DNS records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateValidationRequired {
    /// The certificate.
    pub certificate_arn: CertificateArn,
    /// Its main domain.
    pub domain_name: String,
    /// The CNAME records to create.
    pub records: Vec<ValidationRecord>,
}
event_detail!(CertificateValidationRequired, "CertificateValidationRequired", "certificate", certificate_arn);

/// cfm wrote validation records into a Route 53 hosted zone of the account (UPSERT, so
/// writing them again changes nothing); ACM checks them there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateValidationRecordsCreated {
    /// The certificate.
    pub certificate_arn: CertificateArn,
    /// Its main domain.
    pub domain_name: String,
    /// The zone's id.
    pub hosted_zone_id: String,
    /// The zone's name.
    pub hosted_zone_name: String,
    /// The records written.
    pub records: Vec<ValidationRecord>,
}
event_detail!(
    CertificateValidationRecordsCreated,
    "CertificateValidationRecordsCreated",
    "certificate",
    certificate_arn
);

/// ACM issued the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateIssued {
    /// The certificate.
    pub certificate_arn: CertificateArn,
    /// Its main domain.
    pub domain_name: String,
}
event_detail!(CertificateIssued, "CertificateIssued", "certificate", certificate_arn);

/// Validation failed or timed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateValidationFailed {
    /// The certificate (`none` if the request itself failed).
    pub certificate_arn: String,
    /// What failed.
    #[serde(flatten)]
    pub failure: Failure,
}
event_detail!(CertificateValidationFailed, "CertificateValidationFailed", "certificate", certificate_arn);

/// A certificate crossed an expiry threshold (30, 14 or 7 days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateExpiring {
    /// The certificate.
    pub certificate_arn: CertificateArn,
    /// Its main domain.
    pub domain_name: String,
    /// Whole days left.
    pub days_left: i64,
    /// The threshold crossed.
    pub threshold_days: i64,
    /// When it expires.
    pub not_after: Timestamp,
}
event_detail!(CertificateExpiring, "CertificateExpiring", "certificate", certificate_arn);

/// A certificate expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateExpired {
    /// The certificate.
    pub certificate_arn: CertificateArn,
    /// Its main domain.
    pub domain_name: String,
    /// When it expires.
    pub not_after: Timestamp,
}
event_detail!(CertificateExpired, "CertificateExpired", "certificate", certificate_arn);
