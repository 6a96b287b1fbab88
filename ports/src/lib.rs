//! The ports cfm's tasks and API talk to. Each is a trait; `cfm-aws` implements them with the
//! AWS SDK and [`memory`] with in-memory fakes, so every rule can be tested on its own.

pub mod buckets;
pub mod bulk_items;
pub mod cdn;
pub mod certificates;
pub mod clock;
pub mod dns;
pub mod error;
pub mod events;
pub mod lambdas;
pub mod limited;
pub mod memory;
pub mod metrics;
pub mod steps;
pub mod store;
pub mod tasks;
pub mod workflows;

use std::sync::Arc;

pub use buckets::Buckets;
pub use cdn::Cdn;
pub use certificates::Certificates;
pub use clock::{Clock, SystemClock};
pub use dns::Dns;
pub use error::{ErrorKind, PortResult, ServiceError};
pub use events::EventBus;
pub use lambdas::EdgeLambdas;
pub use metrics::Metrics;
pub use store::{Records, Store};
pub use workflows::Workflows;

/// Every port a task or request handler may use.
#[derive(Clone)]
pub struct Ports {
    /// The cfm table.
    pub store: Arc<dyn Store>,
    /// CloudFront.
    pub cdn: Arc<dyn Cdn>,
    /// S3.
    pub buckets: Arc<dyn Buckets>,
    /// ACM (us-east-1).
    pub certificates: Arc<dyn Certificates>,
    /// Route 53.
    pub dns: Arc<dyn Dns>,
    /// CloudWatch.
    pub metrics: Arc<dyn Metrics>,
    /// Lambda (us-east-1), for Lambda@Edge.
    pub lambdas: Arc<dyn EdgeLambdas>,
    /// Step Functions executions.
    pub workflows: Arc<dyn Workflows>,
    /// The event bus.
    pub events: Arc<dyn EventBus>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl Ports {
    /// The items of bulk operations.
    pub fn bulk_items(&self) -> bulk_items::BulkItems<'_> {
        bulk_items::BulkItems(self.store.as_ref())
    }

    /// Typed access to the records.
    pub fn records(&self) -> Records<'_> {
        Records(self.store.as_ref())
    }
}
