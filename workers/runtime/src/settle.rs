//! What happens to a message after its handler ran. One place, used by both drivers.

use aws_sdk_sqs::Client;
use tracing::{error, warn};

/// The fate of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settle {
    /// Done (successfully or with a reported failure): delete it.
    Ack,
    /// Could not finish (e.g. Step Functions unreachable): let SQS deliver it again.
    Retry(String),
    /// It can never be processed (undecodable): move it to the DLQ now.
    DeadLetter(String),
}

/// Seconds before a message left for retry becomes visible again.
pub const RETRY_DELAY_SECONDS: i32 = 2;

/// Carries out a [`Settle`] decision against SQS.
#[derive(Debug, Clone)]
pub struct Settler {
    sqs: Client,
    queue_url: String,
    dlq_url: String,
}

impl Settler {
    /// For messages from `queue_url` whose dead letters go to `dlq_url`.
    pub fn new(sqs: Client, queue_url: &str, dlq_url: &str) -> Self {
        Self { sqs, queue_url: queue_url.to_owned(), dlq_url: dlq_url.to_owned() }
    }

    /// Moves a message body to the DLQ. Errors are returned so the caller can leave the
    /// message in place (the redrive policy catches it later).
    pub async fn dead_letter(&self, body: &str, reason: &str) -> Result<(), String> {
        warn!(reason, "moving an unprocessable message to the DLQ");
        self.sqs
            .send_message()
            .queue_url(&self.dlq_url)
            .message_body(body)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| format!("SendMessage to DLQ: {}", aws_sdk_sqs::error::DisplayErrorContext(e)))
    }

    /// Settles a message received by the local driver.
    pub async fn settle(&self, receipt: &str, body: &str, decision: Settle) {
        let delete = match decision {
            Settle::Ack => true,
            Settle::DeadLetter(reason) => self.dead_letter(body, &reason).await.is_ok(),
            Settle::Retry(reason) => {
                warn!(reason, "leaving the message for redelivery");
                let result = self
                    .sqs
                    .change_message_visibility()
                    .queue_url(&self.queue_url)
                    .receipt_handle(receipt)
                    .visibility_timeout(RETRY_DELAY_SECONDS)
                    .send()
                    .await;
                if let Err(e) = result {
                    warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(e), "could not shorten visibility");
                }
                false
            }
        };
        if delete {
            let result = self.sqs.delete_message().queue_url(&self.queue_url).receipt_handle(receipt).send().await;
            if let Err(e) = result {
                error!(error = %aws_sdk_sqs::error::DisplayErrorContext(e), "could not delete a settled message");
            }
        }
    }
}
