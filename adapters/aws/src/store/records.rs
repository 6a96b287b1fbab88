//! Records and bucket-name claims.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use cfm_domain::values::{BucketName, OriginId};
use cfm_ports::store::{Creation, Page, RecordItem, RecordStore};
use cfm_ports::{ErrorKind, PortResult, ServiceError};
use serde_json::Value;

use super::page_token::{self, Partition};
use super::{DynamoTable, KIND_INDEX, build, doc, record_attributes, record_key, s};
use crate::classify::aws;

fn claim_key(bucket: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".into(), s(format!("BUCKET#{bucket}"))), ("sk".into(), s("CLAIM"))])
}

fn conditional_failed<E: aws_smithy_types::error::metadata::ProvideErrorMetadata>(
    err: &aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
) -> bool {
    crate::classify::error_code(err) == Some("ConditionalCheckFailedException")
}

#[async_trait]
impl RecordStore for DynamoTable {
    async fn get(&self, kind: &'static str, id: &str) -> PortResult<Option<Value>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(record_key(kind, id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(aws("GetItem"))?;
        out.item().map(doc).transpose()
    }

    async fn create(&self, item: RecordItem, bucket: Option<(&BucketName, &OriginId)>) -> PortResult<Creation> {
        let (kind, id) = (item.kind, item.id.clone());
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(record_attributes(&item)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)?;
        let mut items = vec![TransactWriteItem::builder().put(put).build()];
        if let Some((name, origin)) = bucket {
            let mut claim = claim_key(name.as_str());
            claim.insert("originId".into(), s(origin.as_str()));
            let put_claim = Put::builder()
                .table_name(&self.table)
                .set_item(Some(claim))
                .condition_expression("attribute_not_exists(pk) OR originId = :id")
                .expression_attribute_values(":id", s(origin.as_str()))
                .build()
                .map_err(build)?;
            items.push(TransactWriteItem::builder().put(put_claim).build());
        }
        match self.transact(items).await? {
            Ok(()) => Ok(Creation::Created),
            Err(failed) if failed.first() == Some(&true) => match self.get(kind, &id).await? {
                Some(existing) => Ok(Creation::Exists(existing)),
                None => {
                    Err(ServiceError::new(ErrorKind::Unavailable, format!("{kind} {id} changed while creating it")))
                }
            },
            Err(_) => Ok(Creation::BucketTaken),
        }
    }

    async fn replace(&self, item: RecordItem, expected: u64) -> PortResult<bool> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(record_attributes(&item)))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", AttributeValue::N(expected.to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if conditional_failed(&err) => Ok(false),
            Err(err) => Err(aws("PutItem")(err)),
        }
    }

    async fn delete(&self, kind: &'static str, id: &str, bucket: Option<(&BucketName, &OriginId)>) -> PortResult<()> {
        let Some((name, origin)) = bucket else {
            let request = self.client.delete_item().table_name(&self.table).set_key(Some(record_key(kind, id)));
            request.send().await.map_err(aws("DeleteItem"))?;
            return Ok(());
        };
        let record =
            Delete::builder().table_name(&self.table).set_key(Some(record_key(kind, id))).build().map_err(build)?;
        // The claim goes with the record only if it is this origin's.
        let claim = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(claim_key(name.as_str())))
            .condition_expression("attribute_not_exists(pk) OR originId = :id")
            .expression_attribute_values(":id", s(origin.as_str()))
            .build()
            .map_err(build)?;
        let items = vec![
            TransactWriteItem::builder().delete(record).build(),
            TransactWriteItem::builder().delete(claim).build(),
        ];
        if self.transact(items).await?.is_err() {
            // The claim is another origin's: the record goes alone.
            return self.delete(kind, id, None).await;
        }
        Ok(())
    }

    async fn release_bucket(&self, bucket: &BucketName, origin: &OriginId) -> PortResult<()> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(claim_key(bucket.as_str())))
            .condition_expression("attribute_not_exists(pk) OR originId = :id")
            .expression_attribute_values(":id", s(origin.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if conditional_failed(&err) => Ok(()),
            Err(err) => Err(aws("DeleteItem")(err)),
        }
    }

    async fn list(
        &self,
        kind: &'static str,
        status: Option<&str>,
        limit: u32,
        token: Option<&str>,
    ) -> PortResult<Page<Value>> {
        let start = token.map(|t| page_token::decode(t, Partition::Kind(kind))).transpose()?;
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(KIND_INDEX)
            .key_condition_expression("kind = :k")
            .expression_attribute_values(":k", s(kind))
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start);
        // DynamoDB filters after `limit`, so a filtered page can be short while a token remains.
        if let Some(status) = status {
            query = query
                .filter_expression("#s = :s")
                .expression_attribute_names("#s", "status")
                .expression_attribute_values(":s", s(status));
        }
        let out = query.send().await.map_err(aws("Query"))?;
        let items = out.items().iter().map(doc).collect::<PortResult<_>>()?;
        Ok(Page { items, next_token: out.last_evaluated_key().map(page_token::encode) })
    }
}
