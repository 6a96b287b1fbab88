//! The typed domain of cfm. No I/O and no SDK types: values that cannot be invalid, requests
//! parsed once (reporting every problem with its field), the records cfm keeps, the claims that
//! let one execution at a time change a resource, and the rules between them.
//!
//! Glossary: a *workflow* is a state machine definition; an *execution* is one run of it; a
//! *task* is one Task state handled by a worker; an *event* is a fact published on the bus; a
//! *claim* says which execution works on a resource.

pub mod bucket_policy;
pub mod bulk;
pub mod certificate;
pub mod claim;
pub mod distribution;
pub mod dns;
pub mod edge;
pub mod error_name;
pub mod failure;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod metrics;
pub mod origin;
pub mod policy;
pub mod problems;
pub mod rate;
pub mod record;
pub mod template;
pub mod values;
pub mod vocabulary;

pub use error_name::ErrorName;
pub use problems::{Problem, Problems};
pub use values::Checked;
pub use vocabulary::Vocabulary;

/// What the `vocabulary!` and `checked_text!` macros need in the crates that use them.
#[doc(hidden)]
pub mod export {
    pub use {schemars, serde};
}
