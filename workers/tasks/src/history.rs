//! The history projector: the bus's history rule delivers every cfm event to a queue; this
//! handler writes each one into its resource's history, once per `metadata.id`.

use cfm_aws::store::Store;
use cfm_events::ErrorName;
use cfm_runtime::{MessageHandler, Settle};
use serde::Deserialize;
use serde_json::Value;
use tracing::debug;

/// The parts of an EventBridge event the projector reads.
#[derive(Deserialize)]
struct BusEvent {
    #[serde(rename = "detail-type")]
    detail_type: String,
    detail: Value,
}

/// Writes events into per-resource history.
#[derive(Debug, Clone)]
pub struct HistoryProjector {
    store: Store,
}

impl HistoryProjector {
    /// A projector writing to `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl MessageHandler for HistoryProjector {
    async fn handle(&self, body: &str) -> Settle {
        let event: BusEvent = match serde_json::from_str(body) {
            Ok(event) => event,
            Err(err) => return Settle::DeadLetter(format!("not an EventBridge event: {err}")),
        };
        match self.store.record_event(&event.detail_type, &event.detail).await {
            Ok(new) => {
                debug!(detail_type = event.detail_type, new, "projected");
                Settle::Ack
            }
            Err(err) if err.name == ErrorName::Validation => Settle::DeadLetter(err.to_string()),
            Err(err) => Settle::Retry(err.to_string()),
        }
    }
}
