//! The origin workflows' tasks: `create-origin`, `update-origin`, `delete-origin`.

pub mod create;
pub mod delete;
pub mod update;

use cfm_aws::TaskError;
use cfm_aws::s3::OriginBucket;
use cfm_core::origin_record::OriginRecord;
use cfm_events::TaskContext;

use crate::Deps;
use crate::input::busy;

/// The bucket behind a stored origin.
fn bucket_of(deps: &Deps, record: &OriginRecord) -> OriginBucket {
    OriginBucket::new(&deps.aws, &record.bucket_name, &record.region)
}

/// The origin record, which this task's execution must hold.
async fn claimed(deps: &Deps, ctx: &TaskContext, origin_id: &str) -> Result<OriginRecord, TaskError> {
    let record: OriginRecord = deps.store.require(origin_id).await?;
    record.check_claim(&ctx.execution).map_err(busy)?;
    Ok(record)
}
