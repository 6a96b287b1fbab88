//! The cfm contract: what crosses process boundaries, in the domain's types.
//!
//! - [`task`]: the message a Step Functions Task state sends to a worker queue.
//! - [`failure`]: the failure a worker reports and a `Catch` hands on.
//! - [`error_name`]: the stable error names that ASL `Retry`/`Catch` match.
//! - [`envelope`]: the EventBridge `detail` envelope every cfm event carries.
//! - [`origin`], [`distribution`], [`policy`], [`template`], [`certificate`]: workflow inputs and event
//!   details; [`schema`] publishes one JSON Schema per detail-type.

pub mod bulk;
pub mod certificate;
pub mod distribution;
pub mod edge;
pub mod envelope;
pub mod failure;
pub mod origin;
pub mod policy;
pub mod request;
pub mod schema;
pub mod task;
pub mod template;

pub use cfm_domain::error_name;
pub use cfm_domain::error_name::ErrorName;
pub use envelope::{EventDetail, EventEnvelope, EventMetadata, EventOrigin, OutgoingEvent};
pub use failure::{CaughtFailure, FailureDetail};
pub use request::RequestContext;
pub use task::{TaskContext, TaskMessage};

/// The EventBridge `source` of every cfm event.
pub const EVENT_SOURCE: &str = "cfm";
