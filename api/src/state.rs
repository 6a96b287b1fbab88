//! What the handlers share: the ports, the stack's state machines, the token verifier.

use std::collections::BTreeMap;
use std::sync::Arc;

use cfm_domain::values::{ExecutionArn, Timestamp};
use cfm_ports::Ports;

use crate::auth::Verifier;
use crate::cors::AllowedOrigins;
use crate::error::ApiError;

/// The stack's state machines: workflow name → ARN.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Machines(BTreeMap<String, String>);

impl Machines {
    /// The machines of a stack.
    pub fn new(machines: BTreeMap<String, String>) -> Self {
        Self(machines)
    }

    /// The state machine ARN of `workflow`.
    pub fn arn(&self, workflow: &str) -> Result<&str, ApiError> {
        self.0
            .get(workflow)
            .map(String::as_str)
            .ok_or_else(|| ApiError::NotFound(format!("workflow {workflow} is not deployed")))
    }

    /// The ARN execution `name` of `workflow` has (or will have).
    pub fn execution(&self, workflow: &str, name: &str) -> Result<ExecutionArn, ApiError> {
        Ok(ExecutionArn::of(self.arn(workflow)?, name))
    }

    /// Every workflow with its state machine ARN, by name.
    pub(crate) fn workflows(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(w, arn)| (w.as_str(), arn.as_str()))
    }

    /// Whether `execution` belongs to one of these machines.
    pub fn runs(&self, execution: &ExecutionArn) -> bool {
        self.0.values().any(|machine| execution.belongs_to(machine))
    }

    /// This stack's AWS account, read from its state machines' ARNs.
    pub fn account(&self) -> Option<&str> {
        self.0.values().find_map(|arn| arn.split(':').nth(4)).filter(|a| !a.is_empty())
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub(crate) ports: Ports,
    pub(crate) machines: Arc<Machines>,
    pub(crate) verifier: Arc<dyn Verifier>,
    pub(crate) cors: Arc<AllowedOrigins>,
}

impl AppState {
    /// The API over `ports`, starting `machines`, authenticating with `verifier`; browsers on
    /// localhost may call it until [`with_cors`](Self::with_cors) says otherwise.
    pub fn new(ports: Ports, machines: Machines, verifier: Arc<dyn Verifier>) -> Self {
        Self { ports, machines: Arc::new(machines), verifier, cors: Arc::new(AllowedOrigins::local()) }
    }

    /// The same, allowing browsers on `origins`.
    pub fn with_cors(self, origins: AllowedOrigins) -> Self {
        Self { cors: Arc::new(origins), ..self }
    }

    /// Now.
    pub(crate) fn now(&self) -> Timestamp {
        self.ports.clock.now()
    }
}
