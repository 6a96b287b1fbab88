//! The history projector: the bus's history rule delivers every cfm event to a queue; this
//! handler writes each one into its resource's history, once per `metadata.id`.

use std::sync::Arc;

use cfm_ports::{ErrorKind, Store};
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
#[derive(Clone)]
pub struct HistoryProjector {
    store: Arc<dyn Store>,
}

impl HistoryProjector {
    /// A projector writing to `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
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
            Err(err) if err.kind == ErrorKind::Rejected => Settle::DeadLetter(err.to_string()),
            Err(err) => Settle::Retry(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use cfm_ports::memory::MemoryStore;
    use cfm_ports::store::History;
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn each_event_is_projected_once_and_junk_is_dead_lettered() {
        let store = Arc::new(MemoryStore::default());
        let projector = HistoryProjector::new(store.clone());
        let event = json!({
            "detail-type": "OriginCreated",
            "detail": {"metadata": {"id": "e1", "resourceId": "org-1", "occurredAt": "2026-06-01T12:00:00Z"}, "data": {}},
        })
        .to_string();
        assert_eq!(projector.handle(&event).await, Settle::Ack);
        assert_eq!(projector.handle(&event).await, Settle::Ack);
        assert_eq!(store.history("org-1", 10, None).await.unwrap().items.len(), 1);
        assert!(matches!(projector.handle("not json").await, Settle::DeadLetter(_)));
    }
}
