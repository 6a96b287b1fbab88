//! ACM certificates for CloudFront (us-east-1): what cfm knows of one, requests for new ones,
//! whether one can serve a distribution, and when its expiry is announced.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::distribution::parse_hostnames;
use crate::problems::Problems;
use crate::values::{CertificateArn, Checked, Hostname, Timestamp};
use crate::vocabulary;

/// ACM allows up to 100 names per certificate by default.
const MAX_NAMES: usize = 100;
/// Days before expiry at which `CertificateExpiring` is emitted, most urgent last.
pub const THRESHOLDS: [i64; 3] = [30, 14, 7];

vocabulary!(
    /// ACM certificate statuses.
    CertificateStatus {
        /// Waiting for the DNS records.
        PendingValidation => "PENDING_VALIDATION",
        /// Usable.
        Issued => "ISSUED",
        /// Not in use any more.
        Inactive => "INACTIVE",
        /// Past its end date.
        Expired => "EXPIRED",
        /// Not validated in time.
        ValidationTimedOut => "VALIDATION_TIMED_OUT",
        /// Revoked.
        Revoked => "REVOKED",
        /// ACM could not issue it.
        Failed => "FAILED",
    }
);

/// A DNS record that proves control of a domain.
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

/// What cfm knows of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    /// Its ARN.
    pub arn: CertificateArn,
    /// The main domain.
    pub domain_name: String,
    /// Every name it covers (the main domain first).
    pub domains: Vec<String>,
    /// Its status.
    pub status: CertificateStatus,
    /// `AMAZON_ISSUED` or `IMPORTED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// When it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<Timestamp>,
    /// Resources ACM says use it.
    #[serde(default)]
    pub in_use_by: Vec<String>,
    /// The DNS records that prove control, once ACM has made them.
    #[serde(default)]
    pub validation_records: Vec<ValidationRecord>,
    /// Why it failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

impl Certificate {
    /// Whole days from `now` until it expires (negative once expired).
    pub fn days_left(&self, now: Timestamp) -> Option<i64> {
        self.not_after.map(|end| (end.epoch_seconds() - now.epoch_seconds()).div_euclid(86_400))
    }

    /// Why it cannot serve a distribution with `aliases`, if it cannot: it must be issued and
    /// cover every alias.
    pub fn refuses(&self, aliases: &[Hostname]) -> Option<String> {
        let arn = &self.arn;
        if self.status != CertificateStatus::Issued {
            return Some(format!("certificate {arn} is {}, not ISSUED", self.status));
        }
        let names: Vec<Hostname> = self.domains.iter().filter_map(|d| Hostname::parse(d).ok()).collect();
        let uncovered: Vec<&str> =
            aliases.iter().filter(|alias| !names.iter().any(|n| n.covers(alias))).map(Hostname::as_str).collect();
        (!uncovered.is_empty()).then(|| format!("certificate {arn} does not cover {}", uncovered.join(", ")))
    }
}

/// Why CloudFront in `account` cannot use certificate `arn` whatever its state: it takes only
/// its own account's certificates.
pub fn foreign(arn: &CertificateArn, account: &str) -> Option<String> {
    (arn.account() != account).then(|| {
        format!(
            "certificate {arn} belongs to account {}; CloudFront can only use certificates of this account ({account})",
            arn.account()
        )
    })
}

/// Which announcement a certificate with `days_left` is due: the most urgent threshold crossed.
pub fn due_threshold(days_left: i64) -> Option<i64> {
    THRESHOLDS.iter().rev().find(|t| days_left <= **t).copied()
}

/// `POST /certificates`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertificateRequest {
    /// The main domain, e.g. `www.example.com` or `*.example.com`.
    #[serde(default)]
    pub domain_name: String,
    /// More names the certificate covers.
    #[serde(default)]
    pub subject_alternative_names: Vec<String>,
    /// The Route 53 hosted zone for the validation records (default: the account's public zone
    /// each domain falls in, if any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_id: Option<String>,
}

/// A certificate to request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateOrder {
    /// The main domain.
    pub domain_name: Hostname,
    /// More names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_alternative_names: Vec<Hostname>,
    /// The zone named for the validation records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_id: Option<crate::dns::HostedZoneId>,
}

impl CertificateRequest {
    /// The order, or every problem.
    pub fn parse(&self) -> Result<CertificateOrder, Problems> {
        let mut problems = Problems::new();
        problems.check(self.domain_name.is_empty(), "domainName", "is required");
        let domain = if self.domain_name.is_empty() {
            None
        } else {
            Hostname::parse_into(&mut problems, "domainName", &self.domain_name)
        };
        let names =
            parse_hostnames(&mut problems, "subjectAlternativeNames", &self.subject_alternative_names, MAX_NAMES - 1);
        let zone = self.hosted_zone_id.as_deref().map(crate::dns::HostedZoneId::parse).transpose();
        let zone = zone.unwrap_or_else(|message| {
            problems.add("hostedZoneId", message);
            None
        });
        match domain {
            Some(domain_name) if problems.is_empty() => Ok(CertificateOrder {
                subject_alternative_names: names.into_iter().filter(|n| *n != domain_name).collect(),
                domain_name,
                hosted_zone_id: zone,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_urgent_crossed_threshold_is_due() {
        assert_eq!(due_threshold(45), None);
        assert_eq!(due_threshold(30), Some(30));
        assert_eq!(due_threshold(20), Some(30));
        assert_eq!(due_threshold(14), Some(14));
        assert_eq!(due_threshold(3), Some(7));
    }

    #[test]
    fn a_certificate_serves_only_its_account_when_issued_and_covering() {
        let arn = "arn:aws:acm:us-east-1:123456789012:certificate/x";
        let cert = crate::fixtures::certificate(arn, &["*.example.com"], CertificateStatus::Issued);
        let alias = |h: &str| Hostname::parse(h).unwrap();
        assert_eq!(cert.refuses(&[alias("cdn.example.com")]), None);
        assert_eq!(foreign(&cert.arn, "123456789012"), None);
        assert!(foreign(&cert.arn, "999999999999").unwrap().contains("belongs to account 123456789012"));
        assert!(cert.refuses(&[alias("cdn.other.com")]).unwrap().contains("does not cover cdn.other.com"));
        let pending = Certificate { status: CertificateStatus::PendingValidation, ..cert };
        assert!(pending.refuses(&[]).unwrap().contains("PENDING_VALIDATION"));
    }

    #[test]
    fn requests_need_a_domain_and_valid_names() {
        let fields =
            |r: CertificateRequest| r.parse().unwrap_err().list().iter().map(|p| p.field.clone()).collect::<Vec<_>>();
        assert_eq!(fields(CertificateRequest::default()), ["domainName"]);
        let bad = CertificateRequest {
            domain_name: "Bad".into(),
            subject_alternative_names: vec!["x".into()],
            hosted_zone_id: Some("example.com".into()),
        };
        assert_eq!(fields(bad), ["domainName", "subjectAlternativeNames[0]", "hostedZoneId"]);
    }
}
