//! The task handlers: one small function per task, dispatched by name, plus the history
//! projector. Every handler is idempotent: SQS may deliver its message more than once.

pub mod certificates;
pub mod distributions;
pub mod history;
mod input;
pub mod origins;
pub mod recover;
pub mod templates;

use cfm_aws::acm::Acm;
use cfm_aws::cloudfront::CloudFront;
use cfm_aws::events::EventPublisher;
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
    /// ACM (us-east-1).
    pub acm: Acm,
    /// The event bus, for the few tasks that must publish before they record (most return
    /// their events for the worker to publish).
    pub events: EventPublisher,
}

impl Deps {
    /// Builds the clients for `table` and `bus`.
    pub fn new(aws: AwsContext, table: &str, bus: &str) -> Self {
        Self {
            store: Store::new(&aws, table),
            cloudfront: CloudFront::new(&aws),
            acm: Acm::new(&aws),
            events: EventPublisher::new(&aws, bus),
            aws,
        }
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
        use distributions as dist;
        use origins::{create, delete, update};
        let d = &self.deps;
        match ctx.task.as_str() {
            "ValidateOrigin" => create::validate(d, ctx, input).await,
            "CreateBucket" => create::create_bucket(d, ctx, input).await,
            "ConfigureBucket" => create::configure_bucket(d, ctx, input).await,
            "CreateOac" => create::create_oac(d, ctx, input).await,
            "FinalizeOrigin" => create::finalize(d, ctx, input).await,
            "CompensateOrigin" => create::compensate(d, ctx, input).await,
            "RecordOriginCreateFailed" => create::record_failure(d, ctx, input).await,
            "UpdateOrigin" => update::update(d, ctx, input).await,
            "RecordOriginUpdateFailed" => update::record_failure(d, ctx, input).await,
            "CheckOriginUnused" => delete::check_unused(d, ctx, input).await,
            "DeleteOriginResources" => delete::delete_resources(d, ctx, input).await,
            "FinalizeOriginDelete" => delete::finalize(d, ctx, input).await,
            "RecordOriginDeleteFailed" => delete::record_failure(d, ctx, input).await,
            "ValidateDistribution" => dist::create::validate(d, ctx, input).await,
            "CreateDistribution" => dist::create::create(d, ctx, input).await,
            "GrantOriginAccess" => dist::create::grant(d, ctx, input).await,
            "RecordDistribution" => dist::create::record(d, ctx, input).await,
            "CheckDeployment" => dist::poll::check_deployment(d, input).await,
            "MarkDeployed" => dist::create::mark_deployed(d, ctx, input).await,
            "CompensateDistribution" => dist::create::compensate(d, ctx, input).await,
            "FinishDistributionCompensation" => dist::create::finish_compensation(d, ctx, input).await,
            "RecordDistributionCreateFailed" => dist::create::record_failure(d, ctx, input).await,
            "ApplyDistributionUpdate" => dist::update::apply(d, ctx, input).await,
            "FinalizeDistributionUpdate" => dist::update::finalize(d, ctx, input).await,
            "RecordDistributionUpdateFailed" => dist::update::record_failure(d, ctx, input).await,
            "DisableDistribution" => dist::delete::disable(d, ctx, input).await,
            "DeleteDistribution" => dist::delete::delete(d, ctx, input).await,
            "RecordDistributionDeleteFailed" => dist::delete::record_failure(d, ctx, input).await,
            "CreateInvalidation" => dist::invalidate::create(d, ctx, input).await,
            "CheckInvalidation" => dist::invalidate::check(d, input).await,
            "FinalizeInvalidation" => dist::invalidate::finalize(ctx, input).await,
            "RecordInvalidationFailed" => dist::invalidate::record_failure(ctx, input).await,
            "ReconcileDistributions" => dist::reconcile::reconcile(d, ctx, input).await,
            "RequestCertificate" => certificates::request(d, ctx, input).await,
            "PublishValidationRecords" => certificates::publish_records(d, ctx, input).await,
            "CheckCertificate" => certificates::check(d, input).await,
            "MarkCertificateIssued" => certificates::issued(d, ctx, input).await,
            "RecordCertificateFailure" => certificates::failed(ctx, input).await,
            "CheckCertificateExpiry" => certificates::check_expiry(d, ctx, input).await,
            "StartTemplateApply" => templates::start(d, ctx, input).await,
            "CheckTemplateApply" => templates::check(d, input).await,
            "FinalizeTemplateApply" => templates::finalize(ctx, input).await,
            "RecordTemplateApplyFailed" => templates::record_failure(d, ctx, input).await,
            other => Err(TaskError::new(ErrorName::Internal, format!("no handler for task '{other}'"))),
        }
    }
}
