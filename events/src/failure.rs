//! Failures between workers and workflows. A worker answers `SendTaskFailure` with a stable
//! error name and, as the cause, a [`FailureDetail`] in JSON, so the typed detail (the problems
//! of an invalid input) reaches the state that records it; a `Catch` puts `{Error, Cause}` at
//! `$.failure` ([`CaughtFailure`]).

use cfm_domain::failure::Failure;
use cfm_domain::problems::Problem;
use serde::{Deserialize, Deserializer, Serialize};

/// Step Functions caps a failure's cause at 32,768 characters.
const MAX_CAUSE: usize = 32_000;

/// The cause of a worker's task failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureDetail {
    /// What happened.
    pub message: String,
    /// The problems, when the input broke rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl FailureDetail {
    /// As `SendTaskFailure`'s cause, within Step Functions' limit (dropping problems first).
    pub fn to_cause(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        if text.len() <= MAX_CAUSE {
            return text;
        }
        let message: String = self.message.chars().take(MAX_CAUSE - 100).collect();
        serde_json::to_string(&FailureDetail { message, problems: Vec::new() }).unwrap_or_default()
    }

    /// Reads a cause: one a worker wrote, or any other text (Step Functions' own errors).
    pub fn from_cause(cause: &str) -> Self {
        serde_json::from_str(cause).unwrap_or_else(|_| Self { message: cause.to_owned(), problems: Vec::new() })
    }
}

fn null_as_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// The `{Error, Cause}` a `Catch` puts at `$.failure`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaughtFailure {
    /// The error name (`cfm.*`, or `States.*` from Step Functions).
    #[serde(rename = "Error")]
    pub error: String,
    /// The cause (absent or `null` when there is none).
    #[serde(rename = "Cause", default, deserialize_with = "null_as_empty")]
    pub cause: String,
}

impl CaughtFailure {
    /// The failure it describes.
    pub fn failure(&self) -> Failure {
        let detail = FailureDetail::from_cause(&self.cause);
        Failure { error: self.error.clone(), cause: detail.message, problems: detail.problems }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_cause_carries_its_problems_and_any_other_cause_is_its_message() {
        let detail = FailureDetail {
            message: "invalid".into(),
            problems: vec![Problem { field: "priceClass".into(), message: "bad".into() }],
        };
        let caught = CaughtFailure { error: "cfm.Validation".into(), cause: detail.to_cause() };
        let failure = caught.failure();
        assert_eq!((failure.cause.as_str(), failure.problems[0].field.as_str()), ("invalid", "priceClass"));
        let timeout: CaughtFailure = serde_json::from_str(r#"{"Error": "States.Timeout", "Cause": null}"#).unwrap();
        assert_eq!(timeout.failure().cause, "");
        let plain = CaughtFailure { error: "States.TaskFailed".into(), cause: "boom".into() };
        assert_eq!(plain.failure().cause, "boom");
        let huge = FailureDetail { message: "x".repeat(100_000), problems: detail.problems };
        assert!(huge.to_cause().len() <= MAX_CAUSE);
    }
}
