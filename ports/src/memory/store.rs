//! The cfm table in memory, with the same conditions as DynamoDB's.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use cfm_domain::template::TemplateVersion;
use cfm_domain::values::{BucketName, OriginId, Timestamp};
use serde_json::Value;

use super::Faults;
use crate::error::{ErrorKind, PortResult, ServiceError};
use crate::store::{Creation, History, Leases, Markers, Page, RecordItem, RecordStore, TemplateStore};

#[derive(Debug, Default)]
struct Table {
    records: BTreeMap<(&'static str, String), RecordItem>,
    buckets: HashMap<String, String>,
    versions: BTreeMap<(String, u32), TemplateVersion>,
    leases: HashMap<String, (String, i64)>,
    markers: HashMap<String, String>,
    history: BTreeMap<String, BTreeMap<String, Value>>,
    seen: HashSet<String>,
}

/// The table.
#[derive(Debug, Default)]
pub struct MemoryStore {
    table: Mutex<Table>,
    /// Failures to inject, by operation (`get`, `create`, `replace`, `delete`, `list`, …).
    pub faults: Faults,
}

impl MemoryStore {
    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().expect("table")
    }

    /// Every record of `kind`, as stored (for tests to inspect).
    pub fn records(&self, kind: &str) -> Vec<Value> {
        self.table().records.values().filter(|r| r.kind == kind).map(|r| r.doc.clone()).collect()
    }

    /// Which origin holds a bucket name.
    pub fn bucket_claim(&self, bucket: &str) -> Option<String> {
        self.table().buckets.get(bucket).cloned()
    }
}

fn bad_token() -> ServiceError {
    ServiceError::new(ErrorKind::Rejected, "nextToken is not a token this list returned; start again without it")
}

/// Pages `items` (already in order) by an offset token scoped to `scope`.
fn page(items: Vec<Value>, scope: &str, limit: u32, token: Option<&str>) -> PortResult<Page<Value>> {
    let start = match token {
        None => 0,
        Some(t) => t
            .strip_prefix(scope)
            .and_then(|n| n.strip_prefix(':'))
            .and_then(|n| n.parse().ok())
            .ok_or_else(bad_token)?,
    };
    let end = (start + limit as usize).min(items.len());
    let next_token = (end < items.len()).then(|| format!("{scope}:{end}"));
    Ok(Page { items: items.get(start..end).unwrap_or_default().to_vec(), next_token })
}

#[async_trait]
impl RecordStore for MemoryStore {
    async fn get(&self, kind: &'static str, id: &str) -> PortResult<Option<Value>> {
        self.faults.check("get")?;
        Ok(self.table().records.get(&(kind, id.to_owned())).map(|r| r.doc.clone()))
    }

    async fn create(&self, item: RecordItem, bucket: Option<(&BucketName, &OriginId)>) -> PortResult<Creation> {
        self.faults.check("create")?;
        let mut table = self.table();
        let key = (item.kind, item.id.clone());
        if let Some(existing) = table.records.get(&key) {
            return Ok(Creation::Exists(existing.doc.clone()));
        }
        if let Some((name, origin)) = bucket {
            match table.buckets.get(name.as_str()) {
                Some(owner) if owner != origin.as_str() => return Ok(Creation::BucketTaken),
                _ => {
                    table.buckets.insert(name.as_str().to_owned(), origin.as_str().to_owned());
                }
            }
        }
        table.records.insert(key, item);
        Ok(Creation::Created)
    }

    async fn replace(&self, item: RecordItem, expected: u64) -> PortResult<bool> {
        self.faults.check("replace")?;
        let mut table = self.table();
        let key = (item.kind, item.id.clone());
        match table.records.get(&key) {
            Some(current) if current.version == expected => {
                table.records.insert(key, item);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn delete(&self, kind: &'static str, id: &str, bucket: Option<(&BucketName, &OriginId)>) -> PortResult<()> {
        self.faults.check("delete")?;
        let mut table = self.table();
        table.records.remove(&(kind, id.to_owned()));
        if let Some((name, origin)) = bucket
            && table.buckets.get(name.as_str()).is_some_and(|o| o == origin.as_str())
        {
            table.buckets.remove(name.as_str());
        }
        Ok(())
    }

    async fn release_bucket(&self, bucket: &BucketName, origin: &OriginId) -> PortResult<()> {
        let mut table = self.table();
        if table.buckets.get(bucket.as_str()).is_some_and(|o| o == origin.as_str()) {
            table.buckets.remove(bucket.as_str());
        }
        Ok(())
    }

    async fn list(
        &self,
        kind: &'static str,
        status: Option<&str>,
        limit: u32,
        token: Option<&str>,
    ) -> PortResult<Page<Value>> {
        self.faults.check("list")?;
        let mut items: Vec<&RecordItem> = Vec::new();
        let table = self.table();
        items.extend(table.records.values().filter(|r| r.kind == kind && status.is_none_or(|s| r.status == s)));
        items.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        page(items.into_iter().map(|r| r.doc.clone()).collect(), kind, limit, token)
    }
}

#[async_trait]
impl TemplateStore for MemoryStore {
    async fn create_template(&self, record: RecordItem, first: &TemplateVersion) -> PortResult<bool> {
        let mut table = self.table();
        let key = (record.kind, record.id.clone());
        if table.records.contains_key(&key) {
            return Ok(false);
        }
        table.versions.insert((record.id.clone(), first.version), first.clone());
        table.records.insert(key, record);
        Ok(true)
    }

    async fn add_version(&self, record: RecordItem, expected: u64, version: &TemplateVersion) -> PortResult<bool> {
        let mut table = self.table();
        let key = (record.kind, record.id.clone());
        let version_key = (record.id.clone(), version.version);
        if table.records.get(&key).is_none_or(|r| r.version != expected) || table.versions.contains_key(&version_key) {
            return Ok(false);
        }
        table.versions.insert(version_key, version.clone());
        table.records.insert(key, record);
        Ok(true)
    }

    async fn version(&self, template: &str, version: u32) -> PortResult<Option<TemplateVersion>> {
        Ok(self.table().versions.get(&(template.to_owned(), version)).cloned())
    }

    async fn versions(&self, template: &str) -> PortResult<Vec<TemplateVersion>> {
        let table = self.table();
        Ok(table.versions.iter().rev().filter(|((t, _), _)| t == template).map(|(_, v)| v.clone()).collect())
    }
}

#[async_trait]
impl Leases for MemoryStore {
    async fn take(&self, name: &str, owner: &str, seconds: i64, now: Timestamp) -> PortResult<bool> {
        self.faults.check("take_lease")?;
        let mut table = self.table();
        let now = now.epoch_seconds();
        match table.leases.get(name) {
            Some((holder, until)) if holder != owner && *until >= now => Ok(false),
            _ => {
                table.leases.insert(name.to_owned(), (owner.to_owned(), now + seconds));
                Ok(true)
            }
        }
    }

    async fn give_back(&self, name: &str, owner: &str) -> PortResult<()> {
        let mut table = self.table();
        if table.leases.get(name).is_some_and(|(holder, _)| holder == owner) {
            table.leases.remove(name);
        }
        Ok(())
    }
}

#[async_trait]
impl Markers for MemoryStore {
    async fn remember(&self, key: &str, value: &str) -> PortResult<()> {
        self.faults.check("remember")?;
        self.table().markers.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    async fn recall(&self, key: &str) -> PortResult<Option<String>> {
        Ok(self.table().markers.get(key).cloned())
    }
}

#[async_trait]
impl History for MemoryStore {
    async fn record_event(&self, detail_type: &str, envelope: &Value) -> PortResult<bool> {
        let meta = &envelope["metadata"];
        let field = |name: &str| {
            meta[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| ServiceError::new(ErrorKind::Rejected, format!("event metadata has no {name}")))
        };
        let (id, resource, at) = (field("id")?, field("resourceId")?, field("occurredAt")?);
        let mut table = self.table();
        if !table.seen.insert(id.clone()) {
            return Ok(false);
        }
        let entry = serde_json::json!({"detailType": detail_type, "metadata": meta, "data": envelope["data"]});
        table.history.entry(resource).or_default().insert(format!("{at}#{id}"), entry);
        Ok(true)
    }

    async fn history(&self, resource: &str, limit: u32, token: Option<&str>) -> PortResult<Page<Value>> {
        let items: Vec<Value> =
            self.table().history.get(resource).map(|h| h.values().rev().cloned().collect()).unwrap_or_default();
        page(items, &format!("HISTORY#{resource}"), limit, token)
    }
}
