//! The local cloud: moto in server mode standing in for AWS, with cfm provisioned into it and
//! its workers and API running in this process. Used by `cfm local up`, the demo and the
//! end-to-end tests; like the AWS adapter, it speaks to the SDK directly (to provision).
//!
//! - [`moto`]: install (project-local venv), start on a free loopback port, configure, stop.
//! - `extension`: cfm's patches to moto where it differs from AWS (`localcloud/python`).
//! - [`provision`]: create a stack's bus, queues, rule, table and state machines from the
//!   topology. Idempotent.
//! - [`stack`]: run a provisioned stack's workers and API.

pub mod cloud;
mod extension;
pub mod moto;
pub mod provision;
pub mod stack;

pub use cloud::LocalCloud;
pub use moto::Moto;
pub use provision::{StackResources, provision};
pub use stack::{RunningStack, StackOptions};
