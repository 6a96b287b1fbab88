//! Per-resource event history, written once per event id.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use cfm_ports::store::{History, Page};
use cfm_ports::{ErrorKind, PortResult, ServiceError};
use serde_json::Value;

use super::page_token::{self, Partition};
use super::{DynamoTable, build, doc, s};
use crate::classify::aws;

#[async_trait]
impl History for DynamoTable {
    async fn record_event(&self, detail_type: &str, envelope: &Value) -> PortResult<bool> {
        let meta = &envelope["metadata"];
        let field = |name: &str| {
            meta[name]
                .as_str()
                .ok_or_else(|| ServiceError::new(ErrorKind::Rejected, format!("event metadata has no {name}")))
        };
        let (id, resource, at) = (field("id")?, field("resourceId")?, field("occurredAt")?);
        let seen = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("EVENT#{id}")))
            .item("sk", s("SEEN"))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)?;
        let entry = serde_json::json!({"detailType": detail_type, "metadata": meta, "data": envelope["data"]});
        let history = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("HISTORY#{resource}")))
            .item("sk", s(format!("{at}#{id}")))
            .item("doc", s(entry.to_string()))
            .build()
            .map_err(build)?;
        let items =
            vec![TransactWriteItem::builder().put(seen).build(), TransactWriteItem::builder().put(history).build()];
        // A failed condition on the marker: this event id was recorded before.
        Ok(self.transact(items).await?.is_ok())
    }

    async fn history(&self, resource: &str, limit: u32, token: Option<&str>) -> PortResult<Page<Value>> {
        let start = token.map(|t| page_token::decode(t, Partition::History(resource))).transpose()?;
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(format!("HISTORY#{resource}")))
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(aws("Query"))?;
        let items = out.items().iter().map(doc).collect::<PortResult<_>>()?;
        Ok(Page { items, next_token: out.last_evaluated_key().map(page_token::encode) })
    }
}
