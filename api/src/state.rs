//! What the handlers share.

use std::collections::BTreeMap;
use std::sync::Arc;

use cfm_aws::AwsContext;
use cfm_aws::acm::Acm;
use cfm_aws::cloudfront::CloudFront;
use cfm_aws::events::EventPublisher;
use cfm_aws::sfn::StepFunctions;
use cfm_aws::store::Store;

use crate::auth::Verifier;

/// Where the stack's resources are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// The cfm table.
    pub table: String,
    /// Workflow name → state machine ARN.
    pub machines: BTreeMap<String, String>,
    /// The event bus (template events are published by the API itself).
    pub event_bus: String,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub(crate) aws: AwsContext,
    pub(crate) store: Store,
    pub(crate) sfn: StepFunctions,
    pub(crate) cloudfront: CloudFront,
    pub(crate) acm: Acm,
    pub(crate) events: EventPublisher,
    pub(crate) machines: Arc<BTreeMap<String, String>>,
    pub(crate) verifier: Arc<dyn Verifier>,
}

impl AppState {
    /// Clients for `config`, authenticating with `verifier`.
    pub fn new(aws: AwsContext, config: ApiConfig, verifier: Arc<dyn Verifier>) -> Self {
        Self {
            store: Store::new(&aws, &config.table),
            sfn: StepFunctions::new(&aws),
            cloudfront: CloudFront::new(&aws),
            acm: Acm::new(&aws),
            events: EventPublisher::new(&aws, &config.event_bus),
            machines: Arc::new(config.machines),
            verifier,
            aws,
        }
    }

    /// This stack's AWS account, read from its state machines' ARNs.
    pub(crate) fn account(&self) -> Option<&str> {
        self.machines.values().find_map(|arn| cfm_core::ids::account_of(arn))
    }

    /// The state machine ARN of `workflow`.
    pub(crate) fn machine(&self, workflow: &str) -> Option<&str> {
        self.machines.get(workflow).map(String::as_str)
    }
}
