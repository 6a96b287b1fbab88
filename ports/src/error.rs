//! What a port answers when a service call fails. The adapter decides the kind (it alone
//! reads the service's error codes); the task and API layers decide what it means for them.

/// How a service call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The service said to slow down: retry later.
    Throttled,
    /// A timeout, a connection failure or a 5xx: retry.
    Unavailable,
    /// The service refused the input (malformed, over a quota): the caller's to fix.
    Rejected,
    /// What the call named does not exist.
    NotFound,
    /// Anything else (permissions, an answer cfm did not expect).
    Failed,
}

/// A failed service call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ServiceError {
    /// How it failed.
    pub kind: ErrorKind,
    /// The operation, the service's code and message (never SDK internals).
    pub message: String,
}

impl ServiceError {
    /// A failure of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// Whether a later attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Throttled | ErrorKind::Unavailable)
    }
}

/// A port's result.
pub type PortResult<T> = Result<T, ServiceError>;
