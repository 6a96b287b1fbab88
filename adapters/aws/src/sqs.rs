//! A task queue and its DLQ behind the queue port (the local driver's; on Lambda the event
//! source mapping does this).

use async_trait::async_trait;
use cfm_ports::PortResult;
use cfm_ports::tasks::{Queue, Received};

use crate::classify::aws;
use crate::config::AwsContext;

/// Long-poll wait; short enough that shutdown is prompt.
const WAIT_SECONDS: i32 = 2;
/// SQS returns at most 10 messages per receive.
const BATCH: i32 = 10;

/// One SQS queue and its dead-letter queue.
#[derive(Debug, Clone)]
pub struct SqsQueue {
    client: aws_sdk_sqs::Client,
    url: String,
    dlq_url: String,
}

impl SqsQueue {
    /// The queue at `url`, whose dead letters go to `dlq_url`.
    pub fn new(aws: &AwsContext, url: &str, dlq_url: &str) -> Self {
        Self { client: aws.sqs(), url: url.to_owned(), dlq_url: dlq_url.to_owned() }
    }
}

#[async_trait]
impl Queue for SqsQueue {
    async fn receive(&self) -> PortResult<Vec<Received>> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .wait_time_seconds(WAIT_SECONDS)
            .max_number_of_messages(BATCH)
            .send()
            .await
            .map_err(aws("ReceiveMessage"))?;
        Ok(out
            .messages()
            .iter()
            .filter_map(|m| Some(Received { body: m.body()?.to_owned(), receipt: m.receipt_handle()?.to_owned() }))
            .collect())
    }

    async fn delete(&self, receipt: &str) -> PortResult<()> {
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(aws("DeleteMessage"))?;
        Ok(())
    }

    async fn retry_later(&self, receipt: &str, seconds: i32) -> PortResult<()> {
        self.client
            .change_message_visibility()
            .queue_url(&self.url)
            .receipt_handle(receipt)
            .visibility_timeout(seconds)
            .send()
            .await
            .map_err(aws("ChangeMessageVisibility"))?;
        Ok(())
    }

    async fn dead_letter(&self, body: &str) -> PortResult<()> {
        self.client
            .send_message()
            .queue_url(&self.dlq_url)
            .message_body(body)
            .send()
            .await
            .map_err(aws("SendMessage"))?;
        Ok(())
    }
}
