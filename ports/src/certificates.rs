//! ACM in us-east-1: the certificates CloudFront can use.

use async_trait::async_trait;
use cfm_domain::certificate::{Certificate, CertificateOrder, CertificateStatus, foreign};
use cfm_domain::values::{CertificateArn, Hostname};

use crate::error::PortResult;

/// ACM.
#[async_trait]
pub trait Certificates: Send + Sync {
    /// The certificate, or `None` if there is no such one.
    async fn certificate(&self, arn: &CertificateArn) -> PortResult<Option<Certificate>>;
    /// Every certificate in `statuses` (all pages, with details).
    async fn list(&self, statuses: &[CertificateStatus]) -> PortResult<Vec<Certificate>>;
    /// Requests a DNS-validated certificate; the same `token` returns the same certificate.
    async fn request(&self, order: &CertificateOrder, token: &str) -> PortResult<CertificateArn>;

    /// Why certificate `arn` cannot serve a distribution with `aliases` in `account`, if it
    /// cannot: another account's (not even looked up), missing, not issued, or not covering
    /// every alias.
    async fn refusal(
        &self,
        arn: &CertificateArn,
        aliases: &[Hostname],
        account: Option<&str>,
    ) -> PortResult<Option<String>> {
        if let Some(why) = account.and_then(|account| foreign(arn, account)) {
            return Ok(Some(why));
        }
        Ok(match self.certificate(arn).await? {
            None => Some(format!("certificate {arn} does not exist in us-east-1")),
            Some(found) => found.refuses(aliases),
        })
    }
}
