//! The origin workflows' tasks: `create-origin`, `update-origin`, `delete-origin`.

pub mod create;
pub mod delete;
pub mod update;

use cfm_domain::values::OriginId;
use cfm_ports::buckets::{BucketRef, ORIGIN_TAG};

use crate::error::TaskError;

/// The OAC name for an origin: deterministic, so a redelivered task finds the one it made.
pub fn oac_name(origin: &OriginId) -> String {
    format!("cfm-{origin}")
}

fn not_owned(bucket: &BucketRef, origin: &OriginId) -> TaskError {
    TaskError::NotOwned(format!(
        "bucket '{}' is not tagged {ORIGIN_TAG}={origin}; cfm only changes or deletes buckets it made for this origin",
        bucket.name
    ))
}
