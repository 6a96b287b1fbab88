//! Why a task fails, and the one place that decides the stable error name each failure is
//! reported with (and so whether the ASL retries it: [`ErrorName::is_retryable`]).

use cfm_domain::claim::Busy;
use cfm_domain::problems::Problems;
use cfm_events::{ErrorName, FailureDetail};
use cfm_ports::store::UpdateError;
use cfm_ports::{ErrorKind, ServiceError};
use cfm_runtime::TaskFailure;

/// A task's failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    /// A service call failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The input breaks rules (a bug in the API or the ASL, or a change of rules meanwhile).
    #[error("the input is invalid: {0}")]
    Invalid(Problems),
    /// Another resource makes the request impossible (a certificate not issued, say).
    #[error("{0}")]
    Refused(String),
    /// The resource is in a state that forbids it, or another execution holds it.
    #[error("{0}")]
    Conflict(String),
    /// Something the task needs does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The bucket name belongs to someone else.
    #[error("{0}")]
    BucketTaken(String),
    /// The bucket holds objects (that could not be deleted).
    #[error("{0}")]
    BucketNotEmpty(String),
    /// A distribution still uses the origin.
    #[error("{0}")]
    OriginInUse(String),
    /// A distribution's behaviour still uses the policy.
    #[error("{0}")]
    PolicyInUse(String),
    /// The edge function stayed in use past the retire budget.
    #[error("{0}")]
    FunctionInUse(String),
    /// cfm did not make it, so it will not change or delete it.
    #[error("{0}")]
    NotOwned(String),
    /// Not yet: a lease is held, CloudFront is still deploying, an ETag kept changing.
    #[error("{0}")]
    NotYet(String),
    /// A workflow this one started failed.
    #[error("{0}")]
    WorkflowFailed(String),
    /// CloudFront did not finish within the polling budget.
    #[error("{0}")]
    DeploymentTimedOut(String),
    /// A bug or an answer cfm did not expect.
    #[error("{0}")]
    Internal(String),
}

impl TaskError {
    /// The stable name Step Functions sees.
    pub fn name(&self) -> ErrorName {
        match self {
            Self::Service(err) => match err.kind {
                ErrorKind::Throttled => ErrorName::Throttled,
                ErrorKind::Unavailable => ErrorName::Transient,
                ErrorKind::Rejected => ErrorName::Validation,
                ErrorKind::NotFound => ErrorName::NotFound,
                ErrorKind::Failed => ErrorName::Internal,
            },
            Self::Invalid(_) | Self::Refused(_) => ErrorName::Validation,
            Self::Conflict(_) => ErrorName::Conflict,
            Self::NotFound(_) => ErrorName::NotFound,
            Self::BucketTaken(_) => ErrorName::BucketAlreadyExists,
            Self::BucketNotEmpty(_) => ErrorName::BucketNotEmpty,
            Self::OriginInUse(_) => ErrorName::OriginInUse,
            Self::PolicyInUse(_) => ErrorName::PolicyInUse,
            Self::FunctionInUse(_) => ErrorName::FunctionInUse,
            Self::NotOwned(_) => ErrorName::NotOwned,
            Self::NotYet(_) => ErrorName::Transient,
            Self::WorkflowFailed(_) => ErrorName::WorkflowFailed,
            Self::DeploymentTimedOut(_) => ErrorName::DeploymentTimedOut,
            Self::Internal(_) => ErrorName::Internal,
        }
    }
}

impl From<TaskError> for TaskFailure {
    fn from(err: TaskError) -> Self {
        let name = err.name();
        let message = err.to_string();
        let problems = match err {
            TaskError::Invalid(problems) => problems.into_list(),
            _ => Vec::new(),
        };
        TaskFailure { name, detail: FailureDetail { message, problems } }
    }
}

impl From<Busy> for TaskError {
    fn from(busy: Busy) -> Self {
        Self::Conflict(busy.0)
    }
}

impl<E: Into<TaskError>> From<UpdateError<E>> for TaskError {
    fn from(err: UpdateError<E>) -> Self {
        match err {
            UpdateError::Missing(what) => Self::NotFound(what),
            UpdateError::Refused(refused) => refused.into(),
            UpdateError::Contended(what) => Self::NotYet(format!("{what} kept changing while updating it")),
            UpdateError::Service(err) => Self::Service(err),
        }
    }
}

/// A task result.
pub type TaskResult<T> = Result<T, TaskError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_throttling_and_passing_trouble_is_retried() {
        let retried = |e: TaskError| e.name().is_retryable();
        assert!(retried(ServiceError::new(ErrorKind::Throttled, "x").into()));
        assert!(retried(ServiceError::new(ErrorKind::Unavailable, "x").into()));
        assert!(retried(TaskError::NotYet("lease".into())));
        assert!(!retried(ServiceError::new(ErrorKind::Rejected, "x").into()));
        assert!(!retried(TaskError::Conflict("busy".into())));
        let mut problems = Problems::new();
        problems.add("priceClass", "bad");
        let failure = TaskFailure::from(TaskError::Invalid(problems));
        assert_eq!((failure.name, failure.detail.problems.len()), (ErrorName::Validation, 1));
    }
}
