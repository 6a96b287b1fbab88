//! The event envelope: `detail = {"metadata": {...}, "data": {...}}`.
//!
//! Events are at-least-once and unordered. A task that runs twice (SQS redelivery) publishes the
//! same `metadata.id`, because the id is derived from the execution, the task and the event type,
//! so consumers de-duplicate on it.

use cfm_domain::values::Timestamp;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A typed event detail: its detail-type and the resource it is about.
pub trait EventDetail: Serialize + DeserializeOwned + JsonSchema {
    /// The EventBridge `detail-type`: a past-tense fact.
    const DETAIL_TYPE: &'static str;
    /// The kind of resource, e.g. `origin`.
    const RESOURCE_TYPE: &'static str;
    /// The schema version of `data`; bump on a breaking change.
    const VERSION: u32 = 1;
    /// The resource id the event is about (the history key).
    fn resource_id(&self) -> &str;
}

/// Who caused an event and why, shared by every event in an execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventMetadata {
    /// Unique per fact; stable across redeliveries. Consumers de-duplicate on it.
    pub id: String,
    /// The schema version of `data`.
    pub version: u32,
    /// When the fact happened.
    pub occurred_at: Timestamp,
    /// The Step Functions execution that produced it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_arn: Option<String>,
    /// Ties together every event of one user request.
    pub correlation_id: String,
    /// The user or system that asked for the change.
    pub actor: String,
    /// The kind of resource, e.g. `origin`.
    pub resource_type: String,
    /// The resource id.
    pub resource_id: String,
}

/// The full `detail` of a cfm event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EventEnvelope<T> {
    /// Cross-cutting facts about the event.
    pub metadata: EventMetadata,
    /// The event-specific payload.
    pub data: T,
}

/// Where an event comes from: the execution and request it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventOrigin<'a> {
    /// The execution ARN, if the event comes from a workflow.
    pub execution_arn: Option<&'a str>,
    /// The request's correlation id.
    pub correlation_id: &'a str,
    /// Who asked.
    pub actor: &'a str,
}

/// An event ready to publish: detail-type plus serialized envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingEvent {
    /// The EventBridge `detail-type`.
    pub detail_type: &'static str,
    /// The serialized envelope.
    pub detail: serde_json::Value,
}

impl OutgoingEvent {
    /// Wraps `data` in an envelope. The id is derived from the execution, detail-type and
    /// resource, so a redelivered task publishes the same id.
    pub fn new<T: EventDetail>(origin: &EventOrigin<'_>, data: &T, now: Timestamp) -> Self {
        let id = match origin.execution_arn {
            Some(arn) => stable_id(&[arn, T::DETAIL_TYPE, data.resource_id()]),
            None => uuid::Uuid::new_v4().to_string(),
        };
        Self::with_id(id, origin, data, now)
    }

    /// Wraps `data` in an envelope whose id is derived from `fact`: the same fact announced
    /// again, by any execution, carries the same id.
    pub fn for_fact<T: EventDetail>(fact: &[&str], origin: &EventOrigin<'_>, data: &T, now: Timestamp) -> Self {
        let mut parts = vec![T::DETAIL_TYPE];
        parts.extend_from_slice(fact);
        Self::with_id(stable_id(&parts), origin, data, now)
    }

    fn with_id<T: EventDetail>(id: String, origin: &EventOrigin<'_>, data: &T, now: Timestamp) -> Self {
        let envelope = EventEnvelope {
            metadata: EventMetadata {
                id,
                version: T::VERSION,
                occurred_at: now,
                execution_arn: origin.execution_arn.map(str::to_owned),
                correlation_id: origin.correlation_id.to_owned(),
                actor: origin.actor.to_owned(),
                resource_type: T::RESOURCE_TYPE.to_owned(),
                resource_id: data.resource_id().to_owned(),
            },
            data,
        };
        Self {
            detail_type: T::DETAIL_TYPE,
            detail: serde_json::to_value(envelope).expect("event details serialize to JSON"),
        }
    }
}

/// A hex SHA-256 prefix of the parts, joined unambiguously.
pub fn stable_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.len().to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use cfm_domain::Checked;
    use cfm_domain::values::{BucketName, OriginId};

    use super::*;
    use crate::origin::OriginDeleted;

    fn deleted() -> OriginDeleted {
        OriginDeleted {
            origin_id: OriginId::parse("org-0000000000000001").unwrap(),
            bucket_name: Some(BucketName::parse("b-bucket").unwrap()),
            bucket_emptied: false,
        }
    }

    fn now() -> Timestamp {
        Timestamp::at(chrono::Utc::now())
    }

    #[test]
    fn the_same_task_publishes_the_same_id() {
        let origin = EventOrigin { execution_arn: Some("arn:exec"), correlation_id: "c", actor: "a" };
        let first = OutgoingEvent::new(&origin, &deleted(), now());
        let again = OutgoingEvent::new(&origin, &deleted(), now());
        assert_eq!(first.detail["metadata"]["id"], again.detail["metadata"]["id"]);
        assert_eq!(first.detail["metadata"]["resourceId"], "org-0000000000000001");
        assert_eq!(first.detail_type, "OriginDeleted");
    }

    #[test]
    fn stable_id_separates_parts() {
        assert_ne!(stable_id(&["ab", "c"]), stable_id(&["a", "bc"]));
    }
}
