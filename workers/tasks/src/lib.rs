//! The task handlers: one small function per task, dispatched by name, plus the history
//! projector. Every handler is idempotent: SQS may deliver its message more than once.

pub mod history;
mod input;
pub mod origins;

use cfm_aws::cloudfront::CloudFront;
use cfm_aws::store::Store;
use cfm_aws::{AwsContext, TaskError};
use cfm_events::{ErrorName, TaskContext};
use cfm_runtime::{TaskHandler, TaskOutput};
use serde_json::Value;

/// What the handlers need, built once per process.
#[derive(Debug, Clone)]
pub struct Deps {
    /// The shared AWS configuration (S3 clients are per region).
    pub aws: AwsContext,
    /// The cfm table.
    pub store: Store,
    /// CloudFront.
    pub cloudfront: CloudFront,
}

impl Deps {
    /// Builds the clients for `table`.
    pub fn new(aws: AwsContext, table: &str) -> Self {
        Self { store: Store::new(&aws, table), cloudfront: CloudFront::new(&aws), aws }
    }
}

/// Every task cfm's workflows run.
#[derive(Debug, Clone)]
pub struct Tasks {
    deps: Deps,
}

impl Tasks {
    /// Handlers over `deps`.
    pub fn new(deps: Deps) -> Self {
        Self { deps }
    }
}

impl TaskHandler for Tasks {
    async fn run(&self, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskError> {
        use origins::{create, delete, update};
        let d = &self.deps;
        match ctx.task.as_str() {
            "ValidateOrigin" => create::validate(d, input).await,
            "CreateBucket" => create::create_bucket(d, input).await,
            "ConfigureBucket" => create::configure_bucket(d, input).await,
            "CreateOac" => create::create_oac(d, input).await,
            "FinalizeOrigin" => create::finalize(d, ctx, input).await,
            "CompensateOrigin" => create::compensate(d, ctx, input).await,
            "UpdateOrigin" => update::update(d, ctx, input).await,
            "RecordOriginUpdateFailed" => update::record_failure(d, ctx, input).await,
            "CheckOriginUnused" => delete::check_unused(d, input).await,
            "DeleteOriginResources" => delete::delete_resources(d, input).await,
            "FinalizeOriginDelete" => delete::finalize(d, ctx, input).await,
            "RecordOriginDeleteFailed" => delete::record_failure(d, ctx, input).await,
            other => Err(TaskError::new(ErrorName::Internal, format!("no handler for task '{other}'"))),
        }
    }
}
