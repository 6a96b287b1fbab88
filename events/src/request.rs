//! Who asked for a change, carried in every workflow input.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who asked and how to correlate what follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestContext {
    /// The authenticated caller.
    pub actor: String,
    /// Ties the request's events together.
    pub correlation_id: String,
}

impl RequestContext {
    /// A system actor (the reconciler, the expiry monitor) acting for `execution`.
    pub fn system(actor: &str, execution: &str) -> Self {
        Self { actor: actor.to_owned(), correlation_id: execution.to_owned() }
    }
}

/// Implements `EventDetail` for a detail type about one kind of resource.
#[macro_export]
macro_rules! event_detail {
    ($ty:ident, $detail_type:literal, $resource_type:literal, $field:ident) => {
        impl $crate::envelope::EventDetail for $ty {
            const DETAIL_TYPE: &'static str = $detail_type;
            const RESOURCE_TYPE: &'static str = $resource_type;
            fn resource_id(&self) -> &str {
                self.$field.as_ref()
            }
        }
    };
}
