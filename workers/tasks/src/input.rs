//! Shapes of state input that several workflows share: their input with what failed, or with
//! what an earlier state found.

use cfm_domain::failure::Failure;
use cfm_events::CaughtFailure;
use serde::Deserialize;

/// A workflow's input with what failed at `$.failure`, and, when compensation failed too,
/// what failed cleaning up at `$.cleanupFailure`.
#[derive(Debug, Deserialize)]
pub struct Failed<T> {
    /// The workflow's input.
    #[serde(flatten)]
    pub input: T,
    failure: CaughtFailure,
    #[serde(default, rename = "cleanupFailure")]
    cleanup: Option<CaughtFailure>,
}

impl<T> Failed<T> {
    /// What failed.
    pub fn failure(&self) -> Failure {
        self.failure.failure()
    }

    /// What failed and, if cleaning up failed too, that as well, with `advice` on removing
    /// what is left.
    pub fn after_cleanup(&self, advice: &str) -> Failure {
        match &self.cleanup {
            Some(cleanup) => self.failure().with_cleanup_failed(&cleanup.failure(), advice),
            None => self.failure(),
        }
    }

    /// Whether compensation removed everything (or there was none to do).
    pub fn cleaned_up(&self) -> bool {
        self.cleanup.is_none()
    }
}
