//! In-memory fakes of every port, for unit tests of the rules: state a test can arrange and
//! inspect, and failures it can inject into any operation.

mod buckets;
mod cdn;
mod dns;
mod lambdas;
mod metrics;
mod services;
mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cfm_domain::values::Timestamp;

pub use buckets::{FakeBucket, MemoryBuckets};
pub use cdn::{FakeDistribution, MemoryCdn};
pub use dns::MemoryDns;
pub use lambdas::MemoryLambdas;
pub use metrics::MemoryMetrics;
pub use services::{LIST_PAGE, MemoryCertificates, MemoryEvents, MemoryWorkflows};
pub use store::MemoryStore;

use crate::Ports;
use crate::clock::Clock;
use crate::error::{ErrorKind, PortResult, ServiceError};

fn guard<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().expect("fake state")
}

/// Failures armed for the next calls of named operations.
#[derive(Debug, Default)]
pub struct Faults(Mutex<HashMap<String, Vec<ServiceError>>>);

impl Faults {
    /// Makes the next call of `operation` fail with `kind`.
    pub fn fail(&self, operation: &str, kind: ErrorKind) {
        let err = ServiceError::new(kind, format!("{operation}: injected by the test"));
        self.0.lock().expect("faults").entry(operation.to_owned()).or_default().push(err);
    }

    /// Fails if a failure is armed for `operation` (each is used once).
    pub fn check(&self, operation: &str) -> PortResult<()> {
        match self.0.lock().expect("faults").get_mut(operation).and_then(Vec::pop) {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

/// A clock that stands still until told to move.
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    /// Stopped at `at`.
    pub fn at(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    /// Moves it on by `seconds`.
    pub fn advance(&self, seconds: i64) {
        let mut now = self.0.lock().expect("clock");
        *now = Timestamp::at(now.time() + chrono::Duration::seconds(seconds));
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock")
    }
}

/// One of every fake, sharing one account, and the [`Ports`] over them.
pub struct Memory {
    /// The table.
    pub store: Arc<MemoryStore>,
    /// CloudFront.
    pub cdn: Arc<MemoryCdn>,
    /// S3.
    pub buckets: Arc<MemoryBuckets>,
    /// ACM.
    pub certificates: Arc<MemoryCertificates>,
    /// Route 53.
    pub dns: Arc<MemoryDns>,
    /// CloudWatch.
    pub metrics: Arc<MemoryMetrics>,
    /// Lambda.
    pub lambdas: Arc<MemoryLambdas>,
    /// Step Functions.
    pub workflows: Arc<MemoryWorkflows>,
    /// The bus.
    pub events: Arc<MemoryEvents>,
    /// The clock.
    pub clock: Arc<FixedClock>,
}

impl Memory {
    /// Empty fakes, the clock at a fixed time.
    pub fn new() -> Self {
        let start = chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z").expect("a time").to_utc();
        Self {
            store: Arc::default(),
            cdn: Arc::default(),
            buckets: Arc::default(),
            certificates: Arc::default(),
            dns: Arc::default(),
            metrics: Arc::default(),
            lambdas: Arc::default(),
            workflows: Arc::default(),
            events: Arc::default(),
            clock: Arc::new(FixedClock::at(Timestamp::at(start))),
        }
    }

    /// The ports over these fakes.
    pub fn ports(&self) -> Ports {
        Ports {
            store: self.store.clone(),
            cdn: self.cdn.clone(),
            buckets: self.buckets.clone(),
            certificates: self.certificates.clone(),
            dns: self.dns.clone(),
            metrics: self.metrics.clone(),
            lambdas: self.lambdas.clone(),
            workflows: self.workflows.clone(),
            events: self.events.clone(),
            clock: self.clock.clone(),
        }
    }
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}
