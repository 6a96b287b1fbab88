//! The cfm contract: what crosses process boundaries.
//!
//! - [`task`]: the message a Step Functions Task state sends to a worker queue.
//! - [`error_name`]: the stable error names that ASL `Retry`/`Catch` match.
//! - [`envelope`]: the EventBridge `detail` envelope every cfm event carries.
//! - [`origin`], [`distribution`], [`template`], [`certificate`]: request shapes, workflow inputs and event details.
//!
//! Glossary: a *workflow* is a state machine definition; an *execution* is one run of it;
//! a *task* is one Task state handled by a worker; an *event* is a fact published on the bus.

pub mod certificate;
pub mod distribution;
pub mod envelope;
pub mod error_name;
pub mod origin;
pub mod schema;
pub mod task;
pub mod template;

pub use envelope::{EventDetail, EventEnvelope, EventMetadata, OutgoingEvent};
pub use error_name::ErrorName;
pub use task::{TaskContext, TaskMessage};

/// The EventBridge `source` of every cfm event.
pub const EVENT_SOURCE: &str = "cfm";
