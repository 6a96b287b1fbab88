//! The cfm table in DynamoDB: origins, bucket-name claims, and per-resource event history.
//!
//! One table, keys `pk`/`sk`, one index `byKind` (`kind`, `sortKey`) for lists. Records are
//! stored as a JSON document in `doc`, with `version` for optimistic locking.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};
use cfm_core::distribution_record::DistributionRecord;
use cfm_core::origin_record::OriginRecord;
use cfm_core::template::{TemplateRecord, TemplateVersion};
use cfm_events::ErrorName;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::classify::{TaskError, aws, error_code};
use crate::config::AwsContext;
use crate::page_token::{self, Partition};

/// The list index.
pub const KIND_INDEX: &str = "byKind";
/// Read-modify-write attempts before giving up on a contended record.
const UPDATE_ATTEMPTS: usize = 5;

/// A record kind the table stores: its key prefix and bookkeeping fields.
pub trait Stored: Serialize + DeserializeOwned {
    /// Key prefix and list partition, e.g. `ORIGIN`.
    const KIND: &'static str;
    /// What users call it, for messages.
    const NOUN: &'static str;
    /// The record id.
    fn id(&self) -> &str;
    /// The optimistic-lock version.
    fn version(&self) -> u64;
    /// Sets version and update time on write.
    fn stamp(&mut self, version: u64, now: &str);
    /// Creation time (list order).
    fn created_at(&self) -> &str;
    /// The execution that created it (idempotent creates).
    fn execution(&self) -> &str;
    /// The lifecycle status (list filter).
    fn status(&self) -> &'static str;
}

macro_rules! stored {
    ($ty:ty, $kind:literal, $noun:literal, |$r:ident| $status:expr) => {
        impl Stored for $ty {
            const KIND: &'static str = $kind;
            const NOUN: &'static str = $noun;
            fn id(&self) -> &str {
                &self.id
            }
            fn version(&self) -> u64 {
                self.version
            }
            fn stamp(&mut self, version: u64, now: &str) {
                self.version = version;
                self.updated_at = now.to_owned();
            }
            fn created_at(&self) -> &str {
                &self.created_at
            }
            fn execution(&self) -> &str {
                &self.created_by_execution
            }
            fn status(&self) -> &'static str {
                let $r = self;
                $status
            }
        }
    };
}

stored!(OriginRecord, "ORIGIN", "origin", |r| r.status.as_str());
stored!(DistributionRecord, "DISTRIBUTION", "distribution", |r| r.status.as_str());
stored!(TemplateRecord, "TEMPLATE", "template", |r| if r.deleted { "DELETED" } else { "ACTIVE" });

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass back to get the next page.
    pub next_token: Option<String>,
}

/// The cfm table.
#[derive(Debug, Clone)]
pub struct Store {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn record_key<T: Stored>(id: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".into(), s(format!("{}#{id}", T::KIND))), ("sk".into(), s("META"))])
}

fn claim_key(bucket: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".into(), s(format!("BUCKET#{bucket}"))), ("sk".into(), s("CLAIM"))])
}

fn internal(e: impl std::fmt::Display) -> TaskError {
    TaskError::new(ErrorName::Internal, e.to_string())
}

fn record_item<T: Stored>(record: &T) -> Result<HashMap<String, AttributeValue>, TaskError> {
    let mut item = record_key::<T>(record.id());
    item.insert("kind".into(), s(T::KIND));
    item.insert("sortKey".into(), s(format!("{}#{}", record.created_at(), record.id())));
    item.insert("version".into(), AttributeValue::N(record.version().to_string()));
    item.insert("createdByExecution".into(), s(record.execution()));
    item.insert("status".into(), s(record.status()));
    item.insert("doc".into(), s(serde_json::to_string(record).map_err(internal)?));
    Ok(item)
}

fn doc<T: DeserializeOwned>(item: &HashMap<String, AttributeValue>) -> Result<T, TaskError> {
    let text = item.get("doc").and_then(|v| v.as_s().ok()).ok_or_else(|| internal("item has no doc"))?;
    serde_json::from_str(text).map_err(internal)
}

/// Whether a transaction was cancelled by a failed condition, and at which positions.
fn cancelled_conditions(err: &aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError) -> Vec<bool> {
    match err {
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(e) => {
            e.cancellation_reasons().iter().map(|r| r.code() == Some("ConditionalCheckFailed")).collect()
        }
        _ => Vec::new(),
    }
}

impl Store {
    /// The table `table`.
    pub fn new(aws: &AwsContext, table: &str) -> Self {
        Self { client: aws.dynamodb(), table: table.to_owned() }
    }

    /// A put that creates `record` only if there is none: a record that exists is never
    /// overwritten, not even by the execution that made it (it may have moved on since).
    fn create_put<T: Stored>(&self, record: &T) -> Result<Put, TaskError> {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(record_item(record)?))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(internal)
    }

    /// After a create was refused because the record exists: a repeat by the execution that
    /// made it is fine (nothing is written, the record stays as it is now); anything else is a
    /// conflict.
    async fn created_before<T: Stored>(&self, record: &T) -> Result<(), TaskError> {
        match self.get::<T>(record.id()).await? {
            Some(existing) if existing.execution() == record.execution() => Ok(()),
            _ => Err(TaskError::new(ErrorName::Conflict, format!("{} {} already exists", T::NOUN, record.id()))),
        }
    }

    /// Records a new record. Repeating the call for the same execution is a no-op.
    pub async fn create<T: Stored>(&self, record: &T) -> Result<(), TaskError> {
        let items = vec![TransactWriteItem::builder().put(self.create_put(record)?).build()];
        match self.try_transact(items).await? {
            Ok(()) => Ok(()),
            Err(_) => self.created_before(record).await,
        }
    }

    /// Records a new origin and claims its bucket name, both or neither. Repeating the call for
    /// the same execution is a no-op.
    pub async fn create_origin(&self, record: &OriginRecord) -> Result<(), TaskError> {
        let mut claim = claim_key(&record.bucket_name);
        claim.insert("originId".into(), s(&record.id));
        let put_claim = Put::builder()
            .table_name(&self.table)
            .set_item(Some(claim))
            .condition_expression("attribute_not_exists(pk) OR originId = :id")
            .expression_attribute_values(":id", s(&record.id))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(internal)?;
        let items = vec![
            TransactWriteItem::builder().put(self.create_put(record)?).build(),
            TransactWriteItem::builder().put(put_claim).build(),
        ];
        match self.try_transact(items).await? {
            Ok(()) => Ok(()),
            Err(failed) if failed.first() == Some(&true) => self.created_before(record).await,
            Err(_) => Err(TaskError::new(
                ErrorName::Conflict,
                format!("bucket '{}' is already used by another origin", record.bucket_name),
            )),
        }
    }

    /// Runs a transaction; `Ok(Err(failed))` says which conditions failed (by position).
    async fn try_transact(&self, items: Vec<TransactWriteItem>) -> Result<Result<(), Vec<bool>>, TaskError> {
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(Ok(())),
            Err(err) => {
                let failed = err.as_service_error().map(cancelled_conditions).unwrap_or_default();
                if failed.contains(&true) { Ok(Err(failed)) } else { Err(aws("TransactWriteItems")(err)) }
            }
        }
    }

    /// Runs a transaction; `explain` turns failed conditions (by position) into an error.
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
        explain: impl FnOnce(&[bool]) -> TaskError,
    ) -> Result<(), TaskError> {
        self.try_transact(items).await?.map_err(|failed| explain(&failed))
    }

    /// The record, if it exists.
    pub async fn get<T: Stored>(&self, id: &str) -> Result<Option<T>, TaskError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(record_key::<T>(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(aws("GetItem"))?;
        out.item().map(doc).transpose()
    }

    /// The record, or a `cfm.NotFound` task error.
    pub async fn require<T: Stored>(&self, id: &str) -> Result<T, TaskError> {
        self.get(id)
            .await?
            .ok_or_else(|| TaskError::new(ErrorName::NotFound, format!("{} {id} does not exist", T::NOUN)))
    }

    /// Applies `change` to the stored record with optimistic locking, retrying on contention.
    /// `change` may refuse by returning an error; nothing is written then.
    pub async fn update<T, F>(&self, id: &str, now: &str, mut change: F) -> Result<T, TaskError>
    where
        T: Stored,
        F: FnMut(&mut T) -> Result<(), TaskError>,
    {
        for _ in 0..UPDATE_ATTEMPTS {
            let mut record: T = self.require(id).await?;
            let expected = record.version();
            change(&mut record)?;
            record.stamp(expected + 1, now);
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(record_item(&record)?))
                .condition_expression("version = :v")
                .expression_attribute_values(":v", AttributeValue::N(expected.to_string()))
                .send()
                .await;
            match result {
                Ok(_) => return Ok(record),
                Err(err) if err.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                    continue;
                }
                Err(err) => return Err(aws("PutItem")(err)),
            }
        }
        Err(TaskError::new(ErrorName::Transient, format!("{} {id} kept changing while updating it", T::NOUN)))
    }

    /// Deletes a record (history is kept).
    pub async fn delete<T: Stored>(&self, id: &str) -> Result<(), TaskError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(record_key::<T>(id)))
            .send()
            .await
            .map_err(aws("DeleteItem"))?;
        Ok(())
    }

    /// Frees a bucket name claimed by `origin_id` (after a failed create).
    pub async fn release_claim(&self, bucket: &str, origin_id: &str) -> Result<(), TaskError> {
        let condition = self
            .client
            .delete_item()
            .set_key(Some(claim_key(bucket)))
            .condition_expression("attribute_not_exists(pk) OR originId = :id")
            .expression_attribute_values(":id", s(origin_id));
        self.delete_if_ours(condition).await
    }

    /// Runs a conditional delete; a failed condition means the item is not ours (any more),
    /// which is fine.
    async fn delete_if_ours(
        &self,
        request: aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder,
    ) -> Result<(), TaskError> {
        match request.table_name(&self.table).send().await {
            Ok(_) => Ok(()),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(()),
            Err(err) => Err(aws("DeleteItem")(err)),
        }
    }

    /// Deletes the origin record and its bucket claim. History is kept.
    pub async fn delete_origin(&self, record: &OriginRecord) -> Result<(), TaskError> {
        let delete_origin = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(record_key::<OriginRecord>(&record.id)))
            .build()
            .map_err(internal)?;
        let delete_claim = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(claim_key(&record.bucket_name)))
            .condition_expression("attribute_not_exists(pk) OR originId = :id")
            .expression_attribute_values(":id", s(&record.id))
            .build()
            .map_err(internal)?;
        let items = vec![
            TransactWriteItem::builder().delete(delete_origin).build(),
            TransactWriteItem::builder().delete(delete_claim).build(),
        ];
        self.transact(items, |_| {
            TaskError::new(ErrorName::Conflict, format!("bucket '{}' is claimed by another origin", record.bucket_name))
        })
        .await
    }

    /// Records of a kind, newest first, optionally only those in `status`. (DynamoDB filters
    /// after `limit`, so a filtered page can be short while a `nextToken` remains.)
    pub async fn list<T: Stored>(
        &self,
        limit: i32,
        next_token: Option<&str>,
        status: Option<&str>,
    ) -> Result<Page<T>, TaskError> {
        let start = next_token.map(|t| page_token::decode(t, Partition::Kind(T::KIND))).transpose()?;
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(KIND_INDEX)
            .key_condition_expression("kind = :k")
            .expression_attribute_values(":k", s(T::KIND))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start);
        if let Some(status) = status {
            query = query
                .filter_expression("#s = :s")
                .expression_attribute_names("#s", "status")
                .expression_attribute_values(":s", s(status));
        }
        let out = query.send().await.map_err(aws("Query"))?;
        let items = out.items().iter().map(doc).collect::<Result<_, _>>()?;
        Ok(Page { items, next_token: out.last_evaluated_key().map(page_token::encode) })
    }

    fn version_put(&self, template_id: &str, version: &TemplateVersion) -> Result<Put, TaskError> {
        Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("{}#{template_id}", TemplateRecord::KIND)))
            .item("sk", s(format!("VERSION#{:06}", version.version)))
            .item("doc", s(serde_json::to_string(version).map_err(internal)?))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(internal)
    }

    /// Records a new template with its first version, both or neither.
    pub async fn create_template(&self, record: &TemplateRecord, first: &TemplateVersion) -> Result<(), TaskError> {
        let items = vec![
            TransactWriteItem::builder().put(self.create_put(record)?).build(),
            TransactWriteItem::builder().put(self.version_put(&record.id, first)?).build(),
        ];
        self.transact(items, |_| TaskError::new(ErrorName::Conflict, format!("template {} already exists", record.id)))
            .await
    }

    /// Adds an immutable version and writes the changed `record` (read at its current lock
    /// version), both or neither. `Ok(false)` means another update got there first: read again
    /// and retry.
    pub async fn add_template_version(
        &self,
        record: &mut TemplateRecord,
        version: &TemplateVersion,
        now: &str,
    ) -> Result<bool, TaskError> {
        let expected = record.version;
        record.stamp(expected + 1, now);
        let put_record = Put::builder()
            .table_name(&self.table)
            .set_item(Some(record_item(record)?))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", AttributeValue::N(expected.to_string()))
            .build()
            .map_err(internal)?;
        let items = vec![
            TransactWriteItem::builder().put(self.version_put(&record.id, version)?).build(),
            TransactWriteItem::builder().put(put_record).build(),
        ];
        Ok(self.try_transact(items).await?.is_ok())
    }

    /// One version of a template.
    pub async fn template_version(
        &self,
        template_id: &str,
        version: u32,
    ) -> Result<Option<TemplateVersion>, TaskError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(format!("{}#{template_id}", TemplateRecord::KIND)))
            .key("sk", s(format!("VERSION#{version:06}")))
            .consistent_read(true)
            .send()
            .await
            .map_err(aws("GetItem"))?;
        out.item().map(doc).transpose()
    }

    /// Every version of a template, newest first.
    pub async fn template_versions(&self, template_id: &str) -> Result<Vec<TemplateVersion>, TaskError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :v)")
            .expression_attribute_values(":pk", s(format!("{}#{template_id}", TemplateRecord::KIND)))
            .expression_attribute_values(":v", s("VERSION#"))
            .scan_index_forward(false)
            .send()
            .await
            .map_err(aws("Query"))?;
        out.items().iter().map(doc).collect()
    }

    /// Takes the lease `name` for `owner` for `ttl_seconds`. The same owner may take it again
    /// (a redelivered task); anyone else gets a retryable error until it is released or expires.
    pub async fn lock(&self, name: &str, owner: &str, ttl_seconds: i64) -> Result<(), TaskError> {
        let now = chrono::Utc::now().timestamp();
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("LOCK#{name}")))
            .item("sk", s("LOCK"))
            .item("owner", s(owner))
            .item("expiresAt", AttributeValue::N((now + ttl_seconds).to_string()))
            .condition_expression("attribute_not_exists(pk) OR expiresAt < :now OR #o = :me")
            .expression_attribute_names("#o", "owner")
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .expression_attribute_values(":me", s(owner))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Err(TaskError::new(ErrorName::Transient, format!("{name} is held by another workflow; will retry")))
            }
            Err(err) => Err(aws("PutItem")(err)),
        }
    }

    /// Releases the lease `name` if `owner` holds it.
    pub async fn unlock(&self, name: &str, owner: &str) -> Result<(), TaskError> {
        let request = self
            .client
            .delete_item()
            .key("pk", s(format!("LOCK#{name}")))
            .key("sk", s("LOCK"))
            .condition_expression("#o = :me")
            .expression_attribute_names("#o", "owner")
            .expression_attribute_values(":me", s(owner));
        self.delete_if_ours(request).await
    }

    /// Stores a small value under `key` (markers that make a side effect happen once).
    pub async fn remember(&self, key: &str, value: &str) -> Result<(), TaskError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("MARK#{key}")))
            .item("sk", s("VALUE"))
            .item("value", s(value))
            .send()
            .await
            .map_err(aws("PutItem"))?;
        Ok(())
    }

    /// The value stored under `key`, if any.
    pub async fn recall(&self, key: &str) -> Result<Option<String>, TaskError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(format!("MARK#{key}")))
            .key("sk", s("VALUE"))
            .consistent_read(true)
            .send()
            .await
            .map_err(aws("GetItem"))?;
        Ok(out.item().and_then(|i| i.get("value")).and_then(|v| v.as_s().ok()).cloned())
    }

    /// Records an event in its resource's history. Returns false for a duplicate (same
    /// `metadata.id`), which is not written again.
    pub async fn record_event(&self, detail_type: &str, envelope: &Value) -> Result<bool, TaskError> {
        let meta = &envelope["metadata"];
        let field = |name: &str| {
            meta[name]
                .as_str()
                .ok_or_else(|| TaskError::new(ErrorName::Validation, format!("event metadata has no {name}")))
        };
        let (id, resource, at) = (field("id")?, field("resourceId")?, field("occurredAt")?);
        let seen = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("EVENT#{id}")))
            .item("sk", s("SEEN"))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(internal)?;
        let entry = serde_json::json!({"detailType": detail_type, "metadata": meta, "data": envelope["data"]});
        let history = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("HISTORY#{resource}")))
            .item("sk", s(format!("{at}#{id}")))
            .item("doc", s(entry.to_string()))
            .build()
            .map_err(internal)?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(seen).build())
            .transact_items(TransactWriteItem::builder().put(history).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if err.as_service_error().map(cancelled_conditions).is_some_and(|f| f.first() == Some(&true)) => {
                Ok(false)
            }
            Err(err) if error_code(&err) == Some("ConditionalCheckFailedException") => Ok(false),
            Err(err) => Err(aws("TransactWriteItems")(err)),
        }
    }

    /// A resource's history, newest first.
    pub async fn history(
        &self,
        resource_id: &str,
        limit: i32,
        next_token: Option<&str>,
    ) -> Result<Page<Value>, TaskError> {
        let start = next_token.map(|t| page_token::decode(t, Partition::History(resource_id))).transpose()?;
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(format!("HISTORY#{resource_id}")))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(aws("Query"))?;
        let items = out.items().iter().map(doc).collect::<Result<_, _>>()?;
        Ok(Page { items, next_token: out.last_evaluated_key().map(page_token::encode) })
    }
}
