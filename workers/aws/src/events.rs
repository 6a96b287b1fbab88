//! Publishing cfm events to the bus.

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use cfm_events::{EVENT_SOURCE, ErrorName, OutgoingEvent};

use crate::classify::{TaskError, aws};
use crate::config::AwsContext;

/// PutEvents takes at most 10 entries per call (EventBridge API reference).
const MAX_ENTRIES_PER_CALL: usize = 10;

/// Publishes events to one bus.
#[derive(Debug, Clone)]
pub struct EventPublisher {
    client: aws_sdk_eventbridge::Client,
    bus: String,
}

impl EventPublisher {
    /// A publisher for `bus`.
    pub fn new(aws: &AwsContext, bus: &str) -> Self {
        Self { client: aws.eventbridge(), bus: bus.to_owned() }
    }

    /// Publishes every event; any rejected entry fails the call (a retry republishes the same
    /// ids, which consumers de-duplicate).
    pub async fn publish(&self, events: &[OutgoingEvent]) -> Result<(), TaskError> {
        for chunk in events.chunks(MAX_ENTRIES_PER_CALL) {
            let entries = chunk
                .iter()
                .map(|e| {
                    PutEventsRequestEntry::builder()
                        .event_bus_name(&self.bus)
                        .source(EVENT_SOURCE)
                        .detail_type(e.detail_type)
                        .detail(e.detail.to_string())
                        .build()
                })
                .collect();
            let out = self.client.put_events().set_entries(Some(entries)).send().await.map_err(aws("PutEvents"))?;
            if out.failed_entry_count() > 0 {
                let reasons: Vec<_> = out.entries().iter().filter_map(|e| e.error_message()).collect();
                return Err(TaskError::new(
                    ErrorName::Transient,
                    format!("PutEvents rejected entries: {}", reasons.join("; ")),
                ));
            }
        }
        Ok(())
    }
}
