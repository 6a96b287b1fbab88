//! The local driver: polls a queue and runs each message through a [`MessageHandler`].

use std::sync::Arc;

use cfm_ports::tasks::Queue;
use tokio::sync::watch;
use tracing::warn;

use crate::{MessageHandler, Settler};

/// Polls `queue` until `stop` turns true (or its sender is gone), handling each batch
/// concurrently.
pub async fn poll<H: MessageHandler>(queue: Arc<dyn Queue>, handler: Arc<H>, mut stop: watch::Receiver<bool>) {
    let settler = Settler::new(queue.clone());
    while !*stop.borrow() {
        let received = tokio::select! {
            r = queue.receive() => r,
            _ = stop.changed() => break,
        };
        let messages = match received {
            Ok(messages) => messages,
            Err(err) => {
                warn!(%err, "receive failed; backing off");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        let mut set = tokio::task::JoinSet::new();
        for message in messages {
            let (handler, settler) = (handler.clone(), settler.clone());
            set.spawn(async move {
                let decision = handler.handle(&message.body).await;
                settler.settle(&message.receipt, &message.body, decision).await;
            });
        }
        while let Some(result) = set.join_next().await {
            if let Err(err) = result {
                warn!(%err, "a message handler panicked");
            }
        }
    }
}
