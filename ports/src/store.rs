//! The cfm table, split by concern: records (with bucket-name claims), template versions,
//! leases, markers and history. The traits move JSON documents and bookkeeping columns;
//! [`Records`] gives them types and the optimistic read-modify-write loop.

use async_trait::async_trait;
use cfm_domain::record::Record;
use cfm_domain::template::{TemplateRecord, TemplateVersion};
use cfm_domain::values::{BucketName, OriginId, Timestamp};
use cfm_domain::vocabulary::Vocabulary;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ErrorKind, PortResult, ServiceError};

/// A record with the columns the table indexes and conditions on.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordItem {
    /// `ORIGIN`, `DISTRIBUTION`, `TEMPLATE`.
    pub kind: &'static str,
    /// The record id.
    pub id: String,
    /// Optimistic-lock version.
    pub version: u64,
    /// Status (the list filter).
    pub status: &'static str,
    /// Creation time (the list order).
    pub created_at: Timestamp,
    /// The creating execution (a repeated create by it is harmless).
    pub created_by_execution: String,
    /// The record as JSON.
    pub doc: Value,
}

impl RecordItem {
    /// The item for `record`.
    pub fn of<T: Record>(record: &T) -> Self {
        Self {
            kind: T::KIND,
            id: record.id().to_owned(),
            version: record.meta().version,
            status: record.status().as_str(),
            created_at: record.meta().created_at,
            created_by_execution: record.meta().created_by_execution.clone(),
            doc: serde_json::to_value(record).expect("records serialize to JSON"),
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass back for the next page.
    pub next_token: Option<String>,
}

/// What came of creating a record together with its bucket-name claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Creation {
    /// Both written.
    Created,
    /// A record with this id exists (here it is); nothing was written.
    Exists(Value),
    /// Another origin holds the bucket name; nothing was written.
    BucketTaken,
}

/// Records by kind and id.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// The record's JSON, if there is one (read consistently).
    async fn get(&self, kind: &'static str, id: &str) -> PortResult<Option<Value>>;
    /// Writes a new record, and claims `bucket` for `origin` in the same write when given.
    /// A record that exists is never overwritten.
    async fn create(&self, item: RecordItem, bucket: Option<(&BucketName, &OriginId)>) -> PortResult<Creation>;
    /// Replaces the record if it is still at `expected`; `false` if it changed meanwhile.
    async fn replace(&self, item: RecordItem, expected: u64) -> PortResult<bool>;
    /// Deletes the record, and the bucket claim of `origin` when given (one write).
    async fn delete(&self, kind: &'static str, id: &str, bucket: Option<(&BucketName, &OriginId)>) -> PortResult<()>;
    /// Frees a bucket name `origin` claimed.
    async fn release_bucket(&self, bucket: &BucketName, origin: &OriginId) -> PortResult<()>;
    /// Records of a kind, newest first, optionally only those in `status`. A `token` that is not
    /// one this list returned is `Rejected`.
    async fn list(
        &self,
        kind: &'static str,
        status: Option<&str>,
        limit: u32,
        token: Option<&str>,
    ) -> PortResult<Page<Value>>;
}

/// Template versions.
#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// A new template and its first version, both or neither; `false` if it exists.
    async fn create_template(&self, record: RecordItem, first: &TemplateVersion) -> PortResult<bool>;
    /// A new version and the record moved to it (still at `expected`), both or neither;
    /// `false` if another update got there first.
    async fn add_version(&self, record: RecordItem, expected: u64, version: &TemplateVersion) -> PortResult<bool>;
    /// One version.
    async fn version(&self, template: &str, version: u32) -> PortResult<Option<TemplateVersion>>;
    /// Every version, newest first.
    async fn versions(&self, template: &str) -> PortResult<Vec<TemplateVersion>>;
}

/// Short leases, for edits with no compare-and-swap of their own (bucket policies).
#[async_trait]
pub trait Leases: Send + Sync {
    /// Takes lease `name` for `owner` until `now + seconds`; the same owner may take it again.
    /// `false` while someone else holds it.
    async fn take(&self, name: &str, owner: &str, seconds: i64, now: Timestamp) -> PortResult<bool>;
    /// Gives the lease back if `owner` holds it.
    async fn give_back(&self, name: &str, owner: &str) -> PortResult<()>;
}

/// Markers that make a side effect happen once.
#[async_trait]
pub trait Markers: Send + Sync {
    /// Stores `value` under `key`.
    async fn remember(&self, key: &str, value: &str) -> PortResult<()>;
    /// The value under `key`.
    async fn recall(&self, key: &str) -> PortResult<Option<String>>;
}

/// Per-resource event history.
#[async_trait]
pub trait History: Send + Sync {
    /// Records an event (`detail-type` and envelope) once per `metadata.id`; `false` for a
    /// duplicate. An envelope without its metadata is `Rejected`.
    async fn record_event(&self, detail_type: &str, envelope: &Value) -> PortResult<bool>;
    /// A resource's events, newest first.
    async fn history(&self, resource: &str, limit: u32, token: Option<&str>) -> PortResult<Page<Value>>;
}

/// The whole table.
pub trait Store: RecordStore + TemplateStore + Leases + Markers + History {}

impl<T: RecordStore + TemplateStore + Leases + Markers + History> Store for T {}

/// Why an update did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError<E> {
    /// The record does not exist.
    #[error("{0}")]
    Missing(String),
    /// The change refused.
    #[error(transparent)]
    Refused(E),
    /// It kept changing under every attempt.
    #[error("{0} kept changing while updating it")]
    Contended(String),
    /// The table failed.
    #[error(transparent)]
    Service(ServiceError),
}

impl<E> From<ServiceError> for UpdateError<E> {
    fn from(err: ServiceError) -> Self {
        Self::Service(err)
    }
}

/// Read-modify-write attempts before giving up on a contended record.
const UPDATE_ATTEMPTS: usize = 5;

fn decode<T: DeserializeOwned>(doc: Value) -> PortResult<T> {
    serde_json::from_value(doc)
        .map_err(|e| ServiceError::new(ErrorKind::Failed, format!("a stored record does not read: {e}")))
}

/// Typed access to the records.
#[derive(Clone, Copy)]
pub struct Records<'a>(pub &'a dyn Store);

impl Records<'_> {
    /// The record, if it exists.
    pub async fn get<T: Record>(&self, id: &str) -> PortResult<Option<T>> {
        self.0.get(T::KIND, id).await?.map(decode).transpose()
    }

    /// Writes a new record; a repeat by the execution that created it leaves the record as it
    /// is now and returns `Ok(false)`. Anything else there is `Err(existing)`.
    pub async fn create<T: Record>(&self, record: &T) -> PortResult<Result<bool, T>> {
        self.create_claiming(record, None).await.map(|r| r.map_err(|e| e.unwrap_or_else(|| record.clone())))
    }

    /// Like [`create`](Self::create), claiming `bucket` for `origin` in the same write.
    /// `Err(None)` means the bucket name is taken.
    pub async fn create_claiming<T: Record>(
        &self,
        record: &T,
        bucket: Option<(&BucketName, &OriginId)>,
    ) -> PortResult<Result<bool, Option<T>>> {
        match self.0.create(RecordItem::of(record), bucket).await? {
            Creation::Created => Ok(Ok(true)),
            Creation::BucketTaken => Ok(Err(None)),
            Creation::Exists(doc) => {
                let existing: T = decode(doc)?;
                if existing.meta().created_by_execution == record.meta().created_by_execution {
                    Ok(Ok(false))
                } else {
                    Ok(Err(Some(existing)))
                }
            }
        }
    }

    /// Applies `change` to the stored record with optimistic locking, retrying on contention;
    /// `change` may refuse, and nothing is written then. Returns the record as written.
    pub async fn update<T: Record, E>(
        &self,
        id: &str,
        now: Timestamp,
        mut change: impl FnMut(&mut T) -> Result<(), E> + Send,
    ) -> Result<T, UpdateError<E>> {
        for _ in 0..UPDATE_ATTEMPTS {
            let mut record: T =
                self.get(id).await?.ok_or_else(|| UpdateError::Missing(format!("{} {id} does not exist", T::NOUN)))?;
            let expected = record.meta().version;
            change(&mut record).map_err(UpdateError::Refused)?;
            record.meta_mut().version = expected + 1;
            record.meta_mut().updated_at = now;
            if self.0.replace(RecordItem::of(&record), expected).await? {
                return Ok(record);
            }
        }
        Err(UpdateError::Contended(format!("{} {id}", T::NOUN)))
    }

    /// Deletes a record (its history stays).
    pub async fn delete<T: Record>(&self, id: &str) -> PortResult<()> {
        self.0.delete(T::KIND, id, None).await
    }

    /// One page of records of a kind, newest first.
    pub async fn list<T: Record>(
        &self,
        status: Option<T::Status>,
        limit: u32,
        token: Option<&str>,
    ) -> PortResult<Page<T>> {
        let page = self.0.list(T::KIND, status.map(|s| s.as_str()), limit, token).await?;
        Ok(Page { items: page.items.into_iter().map(decode).collect::<PortResult<_>>()?, next_token: page.next_token })
    }

    /// Every record of a kind, page by page.
    pub async fn all<T: Record>(&self) -> PortResult<Vec<T>> {
        let (mut all, mut token) = (Vec::new(), None);
        loop {
            let page = self.list::<T>(None, 100, token.as_deref()).await?;
            all.extend(page.items);
            match page.next_token {
                Some(next) => token = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// A new version of a template, written with the record moved to it (read at its current
    /// lock version); `false` if another update got there first.
    pub async fn add_template_version(
        &self,
        record: &mut TemplateRecord,
        version: &TemplateVersion,
        now: Timestamp,
    ) -> PortResult<bool> {
        let expected = record.meta.version;
        record.meta.version = expected + 1;
        record.meta.updated_at = now;
        self.0.add_version(RecordItem::of(record), expected, version).await
    }
}
