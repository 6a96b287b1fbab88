//! ACM in us-east-1: the certificates CloudFront can use.

use cfm_events::ErrorName;

use crate::classify::{TaskError, aws, error_code};
use crate::config::AwsContext;

/// What cfm needs to know about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// `ISSUED`, `PENDING_VALIDATION`, …
    pub status: String,
    /// The domain name and every subject alternative name.
    pub domains: Vec<String>,
}

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
        match self.client.describe_certificate().certificate_arn(arn).send().await {
            Ok(out) => {
                let Some(detail) = out.certificate() else { return Ok(None) };
                let mut domains: Vec<String> = detail.subject_alternative_names().to_vec();
                if let Some(name) = detail.domain_name()
                    && !domains.iter().any(|d| d == name)
                {
                    domains.insert(0, name.to_owned());
                }
                Ok(Some(Certificate {
                    status: detail.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                    domains,
                }))
            }
            Err(err) if matches!(error_code(&err), Some("ResourceNotFoundException")) => Ok(None),
            Err(err) if matches!(error_code(&err), Some("InvalidArnException")) => {
                Err(TaskError::new(ErrorName::Validation, format!("'{arn}' is not a certificate ARN")))
            }
            Err(err) => Err(aws("DescribeCertificate")(err)),
        }
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
