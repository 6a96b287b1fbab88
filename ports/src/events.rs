//! The event bus.

use async_trait::async_trait;
use cfm_events::OutgoingEvent;

use crate::error::PortResult;

/// Publishes cfm events.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes every event; any rejected one fails the call (a retry republishes the same
    /// ids, which consumers de-duplicate).
    async fn publish(&self, events: &[OutgoingEvent]) -> PortResult<()>;
}
