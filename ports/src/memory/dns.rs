//! Route 53 as a map of zones to records.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use cfm_domain::certificate::ValidationRecord;
use cfm_domain::dns::HostedZone;

use super::{Faults, guard};
use crate::dns::Dns;
use crate::error::PortResult;

/// Hosted zones and their records.
#[derive(Debug, Default)]
pub struct MemoryDns {
    zones: Mutex<Vec<HostedZone>>,
    /// `(zone, name)` → `(type, value)`.
    records: Mutex<BTreeMap<(String, String), (String, String)>>,
    /// Failures to inject (`zones`, `upsert`).
    pub faults: Faults,
}

impl MemoryDns {
    /// Adds a public hosted zone.
    pub fn add_zone(&self, id: &str, name: &str) {
        guard(&self.zones).push(HostedZone { id: id.to_owned(), name: name.to_owned() });
    }

    /// The records of `zone`: name → value.
    pub fn records(&self, zone: &str) -> BTreeMap<String, String> {
        guard(&self.records)
            .iter()
            .filter(|((z, _), _)| z == zone)
            .map(|((_, n), (_, v))| (n.clone(), v.clone()))
            .collect()
    }
}

#[async_trait]
impl Dns for MemoryDns {
    async fn public_zones(&self) -> PortResult<Vec<HostedZone>> {
        self.faults.check("zones")?;
        Ok(guard(&self.zones).clone())
    }

    async fn upsert(&self, zone: &str, records: &[ValidationRecord]) -> PortResult<()> {
        self.faults.check("upsert")?;
        let mut stored = guard(&self.records);
        for record in records {
            stored.insert((zone.to_owned(), record.name.clone()), (record.r#type.clone(), record.value.clone()));
        }
        Ok(())
    }
}
