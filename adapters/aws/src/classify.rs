//! Turns AWS SDK errors into the ports' [`ServiceError`]. Reading AWS's error codes happens here
//! and nowhere else; the cause names the operation, AWS's code and message, never SDK internals
//! (the whole error is logged at debug level).

use std::error::Error as StdError;
use std::fmt;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use cfm_ports::{ErrorKind, ServiceError};

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

/// The error code of a service error, if the SDK error is one.
pub(crate) fn error_code<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Option<&str> {
    match err {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

/// The error message of a service error, if the SDK error is one.
pub(crate) fn error_message<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Option<&str> {
    match err {
        SdkError::ServiceError(service) => service.err().message(),
        _ => None,
    }
}

/// Classifies an SDK error from `operation`.
pub(crate) fn classify<E>(operation: &str, err: SdkError<E, HttpResponse>) -> ServiceError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    tracing::debug!(operation, error = %Chain(&err), "AWS call failed");
    let (kind, message) = match &err {
        SdkError::TimeoutError(_) => (ErrorKind::Unavailable, format!("{operation}: the call timed out")),
        SdkError::DispatchFailure(_) => {
            (ErrorKind::Unavailable, format!("{operation}: the service could not be reached"))
        }
        SdkError::ResponseError(_) => (ErrorKind::Unavailable, format!("{operation}: the answer could not be read")),
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or_default();
            let status = service.raw().status().as_u16();
            let message = service.err().message().unwrap_or_default();
            let kind = if THROTTLING_CODES.contains(&code) || status == 429 {
                ErrorKind::Throttled
            } else if status >= 500 {
                ErrorKind::Unavailable
            } else if status == 404 {
                ErrorKind::NotFound
            } else if caused_by_input(code) {
                ErrorKind::Rejected
            } else {
                ErrorKind::Failed
            };
            let code = if code.is_empty() { format!("HTTP {status}") } else { code.to_owned() };
            (
                kind,
                if message.is_empty() {
                    format!("{operation}: {code}")
                } else {
                    format!("{operation}: {code}: {message}")
                },
            )
        }
        _ => (ErrorKind::Failed, format!("{operation}: the request could not be built ({})", Chain(&err))),
    };
    ServiceError::new(kind, message)
}

/// A failure building a request (a bug in cfm's mapping, never the caller's).
pub(crate) fn build_error(err: impl fmt::Display) -> ServiceError {
    ServiceError::new(ErrorKind::Failed, format!("could not build the request: {err}"))
}

/// An answer without what it should hold.
pub(crate) fn unexpected(what: &str) -> ServiceError {
    ServiceError::new(ErrorKind::Failed, format!("unexpected answer: {what}"))
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
pub(crate) fn aws<E>(operation: &'static str) -> impl FnOnce(SdkError<E, HttpResponse>) -> ServiceError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    move |err| classify(operation, err)
}
