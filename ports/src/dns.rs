//! Route 53: the account's public hosted zones, and validation records written into them.

use async_trait::async_trait;
use cfm_domain::certificate::ValidationRecord;
use cfm_domain::dns::HostedZone;

use crate::error::PortResult;

/// Route 53.
#[async_trait]
pub trait Dns: Send + Sync {
    /// Every public hosted zone of the account (all pages).
    async fn public_zones(&self) -> PortResult<Vec<HostedZone>>;
    /// Creates or updates `records` in `zone`, in one change (so a repeat changes nothing).
    async fn upsert(&self, zone: &str, records: &[ValidationRecord]) -> PortResult<()>;
}
