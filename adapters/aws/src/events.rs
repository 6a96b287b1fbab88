//! Publishing cfm events to the bus.

use async_trait::async_trait;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use cfm_events::{EVENT_SOURCE, OutgoingEvent};
use cfm_ports::events::EventBus;
use cfm_ports::{ErrorKind, PortResult, ServiceError};

use crate::classify::aws;
use crate::config::AwsContext;

/// PutEvents takes at most 10 entries per call (EventBridge API reference).
const MAX_ENTRIES_PER_CALL: usize = 10;

/// One event bus.
#[derive(Debug, Clone)]
pub struct EventBridgeBus {
    client: aws_sdk_eventbridge::Client,
    bus: String,
}

impl EventBridgeBus {
    /// The bus `bus`.
    pub fn new(aws: &AwsContext, bus: &str) -> Self {
        Self { client: aws.eventbridge(), bus: bus.to_owned() }
    }
}

#[async_trait]
impl EventBus for EventBridgeBus {
    async fn publish(&self, events: &[OutgoingEvent]) -> PortResult<()> {
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
                return Err(ServiceError::new(
                    ErrorKind::Unavailable,
                    format!("PutEvents rejected entries: {}", reasons.join("; ")),
                ));
            }
        }
        Ok(())
    }
}
