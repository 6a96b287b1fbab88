//! Route 53: the account's public hosted zones, validation records written into them, and
//! alias records pointing a distribution's aliases at it.

use async_trait::async_trait;
use cfm_domain::certificate::ValidationRecord;
use cfm_domain::dns::{AliasAction, HostedZone, RecordSet};

use crate::error::PortResult;

/// Route 53.
#[async_trait]
pub trait Dns: Send + Sync {
    /// Every public hosted zone of the account (all pages).
    async fn public_zones(&self) -> PortResult<Vec<HostedZone>>;
    /// Creates or updates `records` in `zone`, in one change (so a repeat changes nothing).
    async fn upsert(&self, zone: &str, records: &[ValidationRecord]) -> PortResult<()>;
    /// The record sets named `name` in `zone`, of every type.
    async fn records_at(&self, zone: &str, name: &str) -> PortResult<Vec<RecordSet>>;
    /// Applies each action to the A and AAAA aliases at its name pointing at `target` (a
    /// distribution's domain name), in one change.
    async fn change_aliases(&self, zone: &str, target: &str, changes: &[(String, AliasAction)]) -> PortResult<()>;
}
