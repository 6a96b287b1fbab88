//! The pure domain of cfm: validation rules, identifiers and the topology. No SDK types here.

pub mod bucket_policy;
pub mod claim;
pub mod distribution;
pub mod distribution_record;
pub mod ids;
pub mod origin;
pub mod origin_record;
pub mod problems;
pub mod region;
pub mod template;
pub mod topology;

pub use problems::{Problem, Problems};
