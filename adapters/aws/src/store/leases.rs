//! Leases (for edits without compare-and-swap) and markers (for side effects made once).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use cfm_domain::values::Timestamp;
use cfm_ports::PortResult;
use cfm_ports::store::{Leases, Markers};

use super::{DynamoTable, s};
use crate::classify::{aws, error_code};

#[async_trait]
impl Leases for DynamoTable {
    async fn take(&self, name: &str, owner: &str, seconds: i64, now: Timestamp) -> PortResult<bool> {
        let now = now.epoch_seconds();
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("LOCK#{name}")))
            .item("sk", s("LOCK"))
            .item("owner", s(owner))
            .item("expiresAt", AttributeValue::N((now + seconds).to_string()))
            .condition_expression("attribute_not_exists(pk) OR expiresAt < :now OR #o = :me")
            .expression_attribute_names("#o", "owner")
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .expression_attribute_values(":me", s(owner))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if error_code(&err) == Some("ConditionalCheckFailedException") => Ok(false),
            Err(err) => Err(aws("PutItem")(err)),
        }
    }

    async fn give_back(&self, name: &str, owner: &str) -> PortResult<()> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(format!("LOCK#{name}")))
            .key("sk", s("LOCK"))
            .condition_expression("#o = :me")
            .expression_attribute_names("#o", "owner")
            .expression_attribute_values(":me", s(owner))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if error_code(&err) == Some("ConditionalCheckFailedException") => Ok(()),
            Err(err) => Err(aws("DeleteItem")(err)),
        }
    }
}

#[async_trait]
impl Markers for DynamoTable {
    async fn remember(&self, key: &str, value: &str) -> PortResult<()> {
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

    async fn recall(&self, key: &str) -> PortResult<Option<String>> {
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
}
