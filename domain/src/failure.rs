//! Why something failed, as a workflow records it on its resource and tells it in events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::problems::Problem;

/// A failure: the stable error name (a `cfm.*` name a worker reported, or a `States.*` name
/// Step Functions raised), what happened, and the problems when the input broke rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// The error name.
    pub error: String,
    /// What happened.
    pub cause: String,
    /// Every rule the input broke, when that is the failure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl Failure {
    /// A failure named `error` with `cause`.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Self { error: error.into(), cause: cause.into(), problems: Vec::new() }
    }

    /// The same failure, with what cleaning up after it could not do.
    pub fn with_cleanup_failed(mut self, cleanup: &Failure, advice: &str) -> Self {
        self.cause = format!("{}; cleanup failed ({}: {}): {advice}", self.cause, cleanup.error, cleanup.cause);
        self
    }
}
