//! The origin workflows' tasks: `create-origin`, `update-origin`, `delete-origin`.

pub mod create;
pub mod delete;
pub mod update;

use cfm_aws::s3::OriginBucket;
use cfm_core::origin_record::OriginRecord;

use crate::Deps;

/// The bucket behind a stored origin.
fn bucket_of(deps: &Deps, record: &OriginRecord) -> OriginBucket {
    OriginBucket::new(&deps.aws, &record.bucket_name, &record.region)
}
