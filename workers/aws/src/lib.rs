//! Adapters from cfm to AWS: one module per service, plus the one place that decides whether an
//! AWS error is worth retrying ([`classify`]). Callers see cfm types, not SDK types.

pub mod acm;
pub mod classify;
pub mod cloudfront;
pub mod config;
pub mod events;
mod page_token;
pub mod preflight;
pub mod s3;
pub mod sfn;
pub mod store;

pub use classify::TaskError;
pub use config::{AwsContext, Endpoint};
