//! What happens to a message after its handler ran. One place, used by both drivers.

use std::sync::Arc;

use cfm_ports::tasks::Queue;
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

/// Carries out a [`Settle`] decision on a queue.
#[derive(Clone)]
pub struct Settler {
    queue: Arc<dyn Queue>,
}

impl Settler {
    /// For messages from `queue`.
    pub fn new(queue: Arc<dyn Queue>) -> Self {
        Self { queue }
    }

    /// Moves a body to the DLQ. A failure is returned so the caller can leave the message in
    /// place (the redrive policy catches it later).
    pub async fn dead_letter(&self, body: &str, reason: &str) -> Result<(), cfm_ports::ServiceError> {
        warn!(reason, "moving an unprocessable message to the DLQ");
        self.queue.dead_letter(body).await
    }

    /// Settles a message received by the local driver.
    pub async fn settle(&self, receipt: &str, body: &str, decision: Settle) {
        let delete = match decision {
            Settle::Ack => true,
            Settle::DeadLetter(reason) => self.dead_letter(body, &reason).await.is_ok(),
            Settle::Retry(reason) => {
                warn!(reason, "leaving the message for redelivery");
                if let Err(err) = self.queue.retry_later(receipt, RETRY_DELAY_SECONDS).await {
                    warn!(%err, "could not shorten visibility");
                }
                false
            }
        };
        if delete && let Err(err) = self.queue.delete(receipt).await {
            error!(%err, "could not delete a settled message");
        }
    }
}
