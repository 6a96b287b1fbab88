//! Template versions: immutable items beside the template record.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use cfm_domain::template::TemplateVersion;
use cfm_ports::PortResult;
use cfm_ports::store::{RecordItem, TemplateStore};

use super::{DynamoTable, build, record_attributes, s, typed};
use crate::classify::aws;

fn version_pk(template: &str) -> AttributeValue {
    s(format!("TEMPLATE#{template}"))
}

fn version_sk(version: u32) -> AttributeValue {
    s(format!("VERSION#{version:06}"))
}

impl DynamoTable {
    fn version_put(&self, template: &str, version: &TemplateVersion) -> PortResult<Put> {
        let text = serde_json::to_string(version).map_err(crate::classify::build_error)?;
        Put::builder()
            .table_name(&self.table)
            .item("pk", version_pk(template))
            .item("sk", version_sk(version.version))
            .item("doc", s(text))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)
    }
}

#[async_trait]
impl TemplateStore for DynamoTable {
    async fn create_template(&self, record: RecordItem, first: &TemplateVersion) -> PortResult<bool> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(record_attributes(&record)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)?;
        let items = vec![
            TransactWriteItem::builder().put(put).build(),
            TransactWriteItem::builder().put(self.version_put(&record.id, first)?).build(),
        ];
        Ok(self.transact(items).await?.is_ok())
    }

    async fn add_version(&self, record: RecordItem, expected: u64, version: &TemplateVersion) -> PortResult<bool> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(record_attributes(&record)))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", AttributeValue::N(expected.to_string()))
            .build()
            .map_err(build)?;
        let items = vec![
            TransactWriteItem::builder().put(self.version_put(&record.id, version)?).build(),
            TransactWriteItem::builder().put(put).build(),
        ];
        Ok(self.transact(items).await?.is_ok())
    }

    async fn version(&self, template: &str, version: u32) -> PortResult<Option<TemplateVersion>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", version_pk(template))
            .key("sk", version_sk(version))
            .consistent_read(true)
            .send()
            .await
            .map_err(aws("GetItem"))?;
        out.item().map(typed).transpose()
    }

    async fn versions(&self, template: &str) -> PortResult<Vec<TemplateVersion>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :v)")
            .expression_attribute_values(":pk", version_pk(template))
            .expression_attribute_values(":v", s("VERSION#"))
            .scan_index_forward(false)
            .send()
            .await
            .map_err(aws("Query"))?;
        out.items().iter().map(typed).collect()
    }
}
