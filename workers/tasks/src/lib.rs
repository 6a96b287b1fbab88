//! The task handlers: one small function per task, over the ports, registered once in
//! [`registry!`] (a test checks that list against the topology), plus the history projector.
//! Every handler is idempotent: SQS may deliver its message more than once.

pub mod bulk;
pub mod certificates;
mod cx;
pub mod distributions;
mod error;
pub mod history;
mod input;
mod machines;
pub mod origins;
pub mod policies;
mod recover;
pub mod templates;

use cfm_events::TaskContext;
use cfm_ports::Ports;
use cfm_runtime::{TaskFailure, TaskHandler, TaskOutput};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use cx::Cx;
pub use error::{TaskError, TaskResult};

/// Reads the state input as `T`. A mismatch is a bug in the ASL or the API, not a user error.
fn parse<T: DeserializeOwned>(input: Value) -> TaskResult<T> {
    let text = input.to_string();
    serde_json::from_value(input).map_err(|e| TaskError::Internal(format!("unexpected task input: {e}: {text}")))
}

/// Declares every task: its name (as the ASL and topology spell it) and its handler.
macro_rules! registry {
    ($($name:literal => $handler:path,)+) => {
        /// Every task this crate handles.
        pub const TASKS: &[&str] = &[$($name,)+];

        async fn dispatch(cx: &Cx<'_>, input: Value) -> TaskResult<TaskOutput> {
            match cx.task.task.as_str() {
                $($name => $handler(cx, parse(input)?).await,)+
                other => Err(TaskError::Internal(format!("no handler for task '{other}'"))),
            }
        }
    };
}

registry! {
    "ValidateOrigin" => origins::create::validate,
    "CreateBucket" => origins::create::create_bucket,
    "ConfigureBucket" => origins::create::configure_bucket,
    "CreateOac" => origins::create::create_oac,
    "FinalizeOrigin" => origins::create::finalize,
    "CompensateOrigin" => origins::create::compensate,
    "RecordOriginCreateFailed" => origins::create::record_failure,
    "UpdateOrigin" => origins::update::update,
    "RecordOriginUpdateFailed" => origins::update::record_failure,
    "CheckOriginUnused" => origins::delete::check_unused,
    "DeleteOriginResources" => origins::delete::delete_resources,
    "FinalizeOriginDelete" => origins::delete::finalize,
    "RecordOriginDeleteFailed" => origins::delete::record_failure,
    "ValidateDistribution" => distributions::create::validate,
    "PublishEdgeFunction" => distributions::edge::publish,
    "CreateDistribution" => distributions::create::create,
    "GrantOriginAccess" => distributions::create::grant,
    "RecordDistribution" => distributions::create::record,
    "SyncAliasRecordsAndAlarm" => distributions::attached::sync,
    "CheckDeployment" => distributions::poll::check_deployment,
    "MarkDeployed" => distributions::create::mark_deployed,
    "CompensateDistribution" => distributions::create::compensate,
    "FinishDistributionCompensation" => distributions::create::finish_compensation,
    "RecordDistributionCreateFailed" => distributions::create::record_failure,
    "PublishNextEdgeFunction" => distributions::edge::publish_next,
    "ApplyDistributionUpdate" => distributions::update::apply,
    "FinalizeDistributionUpdate" => distributions::update::finalize,
    "RecordDistributionUpdateFailed" => distributions::update::record_failure,
    "DisableDistribution" => distributions::delete::disable,
    "DeleteDistribution" => distributions::delete::delete,
    "RecordDistributionDeleteFailed" => distributions::delete::record_failure,
    "RetireEdgeFunction" => distributions::retire::retire,
    "RecordEdgeFunctionRetireFailed" => distributions::retire::record_failure,
    "CreateInvalidation" => distributions::invalidate::create,
    "CheckInvalidation" => distributions::invalidate::check,
    "FinalizeInvalidation" => distributions::invalidate::finalize,
    "RecordInvalidationFailed" => distributions::invalidate::record_failure,
    "ReconcileDistributions" => distributions::reconcile::reconcile,
    "RequestCertificate" => certificates::request,
    "PublishValidationRecords" => certificates::publish_records,
    "CheckCertificate" => certificates::check,
    "MarkCertificateIssued" => certificates::issued,
    "RecordCertificateFailure" => certificates::failed,
    "CheckCertificateExpiry" => certificates::check_expiry,
    "CreatePolicy" => policies::create,
    "RecordPolicyCreateFailed" => policies::record_create_failure,
    "UpdatePolicy" => policies::update,
    "RecordPolicyUpdateFailed" => policies::record_update_failure,
    "DeletePolicy" => policies::delete,
    "RecordPolicyDeleteFailed" => policies::record_delete_failure,
    "StartTemplateApply" => templates::start,
    "CheckTemplateApply" => templates::check,
    "FinalizeTemplateApply" => templates::finalize,
    "RecordTemplateApplyFailed" => templates::record_failure,
    "AdvanceBulkOperation" => bulk::advance,
    "FinalizeBulkOperation" => bulk::finalize,
    "RecordBulkOperationFailed" => bulk::record_failure,
}

/// Every task cfm's workflows run, over `ports`.
#[derive(Clone)]
pub struct Tasks {
    ports: Ports,
}

impl Tasks {
    /// Handlers over `ports`.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }
}

impl TaskHandler for Tasks {
    async fn run(&self, ctx: &TaskContext, input: Value) -> Result<TaskOutput, TaskFailure> {
        let cx = Cx { ports: &self.ports, task: ctx };
        dispatch(&cx, input).await.map_err(TaskFailure::from)
    }
}

#[cfg(test)]
mod tests;
