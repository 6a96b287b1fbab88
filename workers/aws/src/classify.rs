//! Turns AWS SDK errors into [`TaskError`]s with stable names. Retryable vs terminal is decided
//! here and nowhere else; the ASL `Retry` blocks key on the names.

use std::error::Error as StdError;
use std::fmt;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use cfm_events::ErrorName;

/// A task failure: a stable name for the ASL and a cause for humans.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {cause}")]
pub struct TaskError {
    /// The name `Retry`/`Catch` match.
    pub name: ErrorName,
    /// What happened, for the execution history and the record.
    pub cause: String,
}

impl TaskError {
    /// A failure with a name and cause.
    pub fn new(name: ErrorName, cause: impl Into<String>) -> Self {
        Self { name, cause: cause.into() }
    }

    /// Whether the ASL retries it.
    pub fn is_retryable(&self) -> bool {
        self.name.is_retryable()
    }
}

/// Error codes AWS services use for throttling. CloudFront answers `Throttling` ("Rate exceeded").
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "RequestThrottled",
    "SlowDown",
    "TooManyInvalidationsInProgress",
];

/// The error code of a service error, if the SDK error is one.
pub fn error_code<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Option<&str> {
    match err {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

/// What the caller's input caused, judged by AWS's error code on a 4xx answer: a malformed or
/// out-of-range value, or a request over a service quota. These are the caller's to fix.
fn caused_by_input(code: &str) -> bool {
    code == "ValidationException"
        || code.starts_with("Invalid")
        || code.starts_with("TooMany")
        || code.ends_with("LimitExceeded")
        || code.ends_with("LimitExceededException")
        || code.starts_with("MalformedPolicy")
}

/// Classifies an SDK error from `operation`. The cause names the operation, AWS's error code
/// and message, and nothing of the SDK's internals; the full error is logged.
pub fn classify<E>(operation: &str, err: SdkError<E, HttpResponse>) -> TaskError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    tracing::debug!(operation, error = %Chain(&err), "AWS call failed");
    let (name, cause) = match &err {
        SdkError::TimeoutError(_) => (ErrorName::Transient, format!("{operation}: the call timed out")),
        SdkError::DispatchFailure(_) => {
            (ErrorName::Transient, format!("{operation}: the service could not be reached"))
        }
        SdkError::ResponseError(_) => (ErrorName::Transient, format!("{operation}: the answer could not be read")),
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or_default();
            let status = service.raw().status().as_u16();
            let message = service.err().message().unwrap_or_default();
            let name = if THROTTLING_CODES.contains(&code) || status == 429 {
                ErrorName::Throttled
            } else if status >= 500 {
                ErrorName::Transient
            } else if status == 404 {
                ErrorName::NotFound
            } else if caused_by_input(code) {
                ErrorName::Validation
            } else {
                ErrorName::Internal
            };
            let code = if code.is_empty() { format!("HTTP {status}") } else { code.to_owned() };
            (
                name,
                if message.is_empty() {
                    format!("{operation}: {code}")
                } else {
                    format!("{operation}: {code}: {message}")
                },
            )
        }
        _ => (ErrorName::Internal, format!("{operation}: the request could not be built ({})", Chain(&err))),
    };
    TaskError::new(name, cause)
}

/// Displays an error with its sources, the way `DisplayErrorContext` does.
struct Chain<'a>(&'a (dyn StdError + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(err) = source {
            write!(f, ": {err}")?;
            source = err.source();
        }
        Ok(())
    }
}

/// `?`-friendly: `.map_err(aws("PutBucketCors"))`.
pub fn aws<E>(operation: &'static str) -> impl FnOnce(SdkError<E, HttpResponse>) -> TaskError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    move |err| classify(operation, err)
}
