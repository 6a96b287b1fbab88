//! Shared helpers for handlers: typed input, the clock, event metadata.

use cfm_aws::TaskError;
use cfm_events::envelope::EventOrigin;
use cfm_events::origin::RequestContext;
use cfm_events::{ErrorName, EventDetail, OutgoingEvent, TaskContext};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Reads the state input as `T`. A mismatch is a bug in the ASL or the API, not a user error.
pub(crate) fn parse<T: DeserializeOwned>(input: Value) -> Result<T, TaskError> {
    let text = input.to_string();
    serde_json::from_value(input)
        .map_err(|e| TaskError::new(ErrorName::Internal, format!("unexpected task input: {e}: {text}")))
}

/// A claim refusal: the resource is busy with, or has moved on to, another execution.
pub(crate) fn busy(refused: cfm_core::claim::Busy) -> TaskError {
    TaskError::new(ErrorName::Conflict, refused.0)
}

/// Now, as stored in records.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An event caused by this task on behalf of `request`.
pub(crate) fn event<T: EventDetail>(ctx: &TaskContext, request: &RequestContext, data: &T) -> OutgoingEvent {
    let origin = EventOrigin {
        execution_arn: Some(&ctx.execution),
        correlation_id: &request.correlation_id,
        actor: &request.actor,
    };
    OutgoingEvent::new(&origin, data, chrono::Utc::now())
}
