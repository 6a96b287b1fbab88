//! ACM certificates for CloudFront (us-east-1): requests, validation and expiry.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::envelope::EventDetail;
use crate::origin::RequestContext;

/// A certificate request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertificateRequest {
    /// The main domain, e.g. `www.example.com` or `*.example.com`.
    #[serde(default)]
    pub domain_name: String,
    /// More names the certificate covers.
    #[serde(default)]
    pub subject_alternative_names: Vec<String>,
}

/// Input of `request-certificate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestCertificateInput {
    /// What to request.
    pub certificate: CertificateRequest,
    /// Who asked.
    pub request: RequestContext,
}

/// A DNS record a user must create to prove control of a domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidationRecord {
    /// The domain it validates.
    pub domain_name: String,
    /// Record name.
    pub name: String,
    /// Record type (CNAME).
    pub r#type: String,
    /// Record value.
    pub value: String,
}

macro_rules! certificate_event {
    ($ty:ident, $detail_type:literal) => {
        impl EventDetail for $ty {
            const DETAIL_TYPE: &'static str = $detail_type;
            const RESOURCE_TYPE: &'static str = "certificate";
            fn resource_id(&self) -> &str {
                &self.certificate_arn
            }
        }
    };
}

/// A requested certificate waits for these DNS records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateValidationRequired {
    /// The certificate.
    pub certificate_arn: String,
    /// Its main domain.
    pub domain_name: String,
    /// The CNAME records to create.
    pub records: Vec<ValidationRecord>,
}
certificate_event!(CertificateValidationRequired, "CertificateValidationRequired");

/// ACM issued the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateIssued {
    /// The certificate.
    pub certificate_arn: String,
    /// Its main domain.
    pub domain_name: String,
}
certificate_event!(CertificateIssued, "CertificateIssued");

/// Validation failed or timed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateValidationFailed {
    /// The certificate (empty if the request itself failed).
    pub certificate_arn: String,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
certificate_event!(CertificateValidationFailed, "CertificateValidationFailed");

/// A certificate crossed an expiry threshold (30, 14 or 7 days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateExpiring {
    /// The certificate.
    pub certificate_arn: String,
    /// Its main domain.
    pub domain_name: String,
    /// Whole days left.
    pub days_left: i64,
    /// The threshold crossed.
    pub threshold_days: i64,
    /// RFC 3339 expiry.
    pub not_after: String,
}
certificate_event!(CertificateExpiring, "CertificateExpiring");

/// A certificate expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateExpired {
    /// The certificate.
    pub certificate_arn: String,
    /// Its main domain.
    pub domain_name: String,
    /// RFC 3339 expiry.
    pub not_after: String,
}
certificate_event!(CertificateExpired, "CertificateExpired");
