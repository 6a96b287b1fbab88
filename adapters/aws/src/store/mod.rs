//! The cfm table in DynamoDB, behind the store ports.
//!
//! One table, keys `pk`/`sk`, one index `byKind` (`kind`, `sortKey`) for lists. Records are
//! stored as a JSON document in `doc`, with `version` for optimistic locking and the columns
//! lists filter and conditions check. Each concern has its own module: records (with
//! bucket-name claims), template versions, leases and markers, history.

mod history;
mod leases;
pub(crate) mod page_token;
mod records;
mod templates;

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use cfm_ports::store::RecordItem;
use cfm_ports::{PortResult, ServiceError};
use serde_json::Value;

use crate::classify::{aws, unexpected};
use crate::config::AwsContext;

/// The list index.
pub const KIND_INDEX: &str = "byKind";

/// The cfm table.
#[derive(Debug, Clone)]
pub struct DynamoTable {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl DynamoTable {
    /// The table `table`.
    pub fn new(aws: &AwsContext, table: &str) -> Self {
        Self { client: aws.dynamodb(), table: table.to_owned() }
    }

    /// Runs a transaction; `Ok(Err(failed))` says which conditions failed (by position).
    async fn transact(&self, items: Vec<TransactWriteItem>) -> PortResult<Result<(), Vec<bool>>> {
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(Ok(())),
            Err(err) => {
                let failed = err.as_service_error().map(cancelled_conditions).unwrap_or_default();
                if failed.contains(&true) {
                    Ok(Err(failed))
                } else if crate::classify::error_code(&err) == Some("ConditionalCheckFailedException") {
                    // Some stand-ins answer a failed condition without the cancellation reasons.
                    Ok(Err(vec![true]))
                } else {
                    Err(aws("TransactWriteItems")(err))
                }
            }
        }
    }
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn record_key(kind: &str, id: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".into(), s(format!("{kind}#{id}"))), ("sk".into(), s("META"))])
}

fn record_attributes(item: &RecordItem) -> HashMap<String, AttributeValue> {
    let mut attributes = record_key(item.kind, &item.id);
    attributes.insert("kind".into(), s(item.kind));
    attributes.insert("sortKey".into(), s(format!("{}#{}", item.created_at, item.id)));
    attributes.insert("version".into(), AttributeValue::N(item.version.to_string()));
    attributes.insert("createdByExecution".into(), s(&item.created_by_execution));
    attributes.insert("status".into(), s(item.status));
    attributes.insert("doc".into(), s(item.doc.to_string()));
    attributes
}

fn doc(item: &HashMap<String, AttributeValue>) -> PortResult<Value> {
    let text = item.get("doc").and_then(|v| v.as_s().ok()).ok_or_else(|| unexpected("an item without its doc"))?;
    serde_json::from_str(text).map_err(|e| unexpected(&format!("a doc that is not JSON ({e})")))
}

fn typed<T: serde::de::DeserializeOwned>(item: &HashMap<String, AttributeValue>) -> PortResult<T> {
    serde_json::from_value(doc(item)?).map_err(|e| unexpected(&format!("a doc that does not read ({e})")))
}

/// Whether a transaction was cancelled by a failed condition, and at which positions.
fn cancelled_conditions(err: &TransactWriteItemsError) -> Vec<bool> {
    match err {
        TransactWriteItemsError::TransactionCanceledException(e) => {
            e.cancellation_reasons().iter().map(|r| r.code() == Some("ConditionalCheckFailed")).collect()
        }
        _ => Vec::new(),
    }
}

fn build(err: aws_smithy_types::error::operation::BuildError) -> ServiceError {
    crate::classify::build_error(err)
}
