//! Route 53 as a map of zones to records.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use cfm_domain::certificate::ValidationRecord;
use cfm_domain::dns::{ALIAS_TYPES, AliasAction, HostedZone, RecordSet};

use super::{Faults, guard};
use crate::dns::Dns;
use crate::error::PortResult;

/// Hosted zones and their records.
#[derive(Debug, Default)]
pub struct MemoryDns {
    zones: Mutex<Vec<HostedZone>>,
    /// `(zone, name)` → `(type, value)`.
    records: Mutex<BTreeMap<(String, String), (String, String)>>,
    /// `(zone, name, type)` → the DNS name it aliases (none for a plain record).
    sets: Mutex<BTreeMap<(String, String, String), Option<String>>>,
    /// Failures to inject (`zones`, `upsert`, `records`, `aliases`).
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

    /// Puts a record set at `name` (an alias to `alias` or a plain record), as someone else might.
    pub fn put_set(&self, zone: &str, name: &str, r#type: &str, alias: Option<&str>) {
        guard(&self.sets).insert((zone.to_owned(), bare(name), r#type.to_owned()), alias.map(str::to_owned));
    }

    /// Every record set of `zone`.
    pub fn sets(&self, zone: &str) -> Vec<RecordSet> {
        guard(&self.sets)
            .iter()
            .filter(|((z, _, _), _)| z == zone)
            .map(|((_, name, r#type), alias)| RecordSet {
                name: name.clone(),
                r#type: r#type.clone(),
                alias_target: alias.clone(),
            })
            .collect()
    }
}

fn bare(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
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

    async fn records_at(&self, zone: &str, name: &str) -> PortResult<Vec<RecordSet>> {
        self.faults.check("records")?;
        Ok(self.sets(zone).into_iter().filter(|set| set.name == bare(name)).collect())
    }

    async fn change_aliases(&self, zone: &str, target: &str, changes: &[(String, AliasAction)]) -> PortResult<()> {
        self.faults.check("aliases")?;
        let mut sets = guard(&self.sets);
        for (name, action) in changes {
            let key = |r#type: &str| (zone.to_owned(), bare(name), r#type.to_owned());
            match action {
                AliasAction::Upsert => {
                    for r#type in ALIAS_TYPES {
                        sets.insert(key(r#type), Some(target.to_owned()));
                    }
                }
                AliasAction::Delete(types) => {
                    for r#type in types {
                        sets.remove(&key(r#type));
                    }
                }
            }
        }
        Ok(())
    }
}
