//! The local driver: long-polls a queue and runs each message through a [`MessageHandler`].

use std::sync::Arc;

use aws_sdk_sqs::Client;
use tokio::sync::watch;
use tracing::{debug, warn};

use crate::{MessageHandler, Settler};

/// Long-poll wait; short enough that shutdown is prompt.
const WAIT_SECONDS: i32 = 2;
/// SQS returns at most 10 messages per receive.
const BATCH: i32 = 10;

/// Polls `queue_url` until `stop` turns true, handling each batch concurrently.
pub async fn poll<H: MessageHandler>(
    sqs: Client,
    queue_url: String,
    settler: Settler,
    handler: Arc<H>,
    mut stop: watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        let receive = sqs
            .receive_message()
            .queue_url(&queue_url)
            .wait_time_seconds(WAIT_SECONDS)
            .max_number_of_messages(BATCH)
            .send();
        let received = tokio::select! {
            r = receive => r,
            _ = stop.changed() => break,
        };
        let messages = match received {
            Ok(out) => out.messages.unwrap_or_default(),
            Err(err) => {
                warn!(queue = %queue_url, error = %aws_sdk_sqs::error::DisplayErrorContext(err), "receive failed; backing off");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        let work = messages.into_iter().map(|m| {
            let (handler, settler) = (handler.clone(), settler.clone());
            async move {
                let (Some(body), Some(receipt)) = (m.body(), m.receipt_handle()) else { return };
                debug!(message = m.message_id().unwrap_or_default(), "handling");
                let decision = handler.handle(body).await;
                settler.settle(receipt, body, decision).await;
            }
        });
        futures_join_all(work).await;
    }
}

/// Runs futures concurrently and waits for all (a tiny `join_all` without another crate).
async fn futures_join_all<F: std::future::Future<Output = ()> + Send + 'static>(futures: impl Iterator<Item = F>) {
    let mut set = tokio::task::JoinSet::new();
    for f in futures {
        set.spawn(f);
    }
    while let Some(result) = set.join_next().await {
        if let Err(err) = result {
            warn!(%err, "a message handler panicked");
        }
    }
}
