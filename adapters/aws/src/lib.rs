//! The AWS SDK behind cfm's ports: one adapter per service, the one place that reads AWS's
//! error codes ([`classify`]), and [`ports`] to build them all from one configuration. No other
//! crate of the product names an `aws_sdk_*` type.

pub mod acm;
mod classify;
pub mod cloudfront;
pub mod cloudwatch;
pub mod config;
pub mod events;
pub mod lambda;
pub mod route53;
pub mod s3;
pub mod sfn;
pub mod sqs;
pub mod store;
mod time;

use std::sync::Arc;

use cfm_domain::rate::CloudFrontRates;
use cfm_ports::limited::Limited;
use cfm_ports::{Clock, Ports, Store, SystemClock};

pub use config::{AwsContext, Endpoint};

/// Every port over AWS, for table `table` and bus `bus`; Lambda@Edge functions run with
/// `edge_role`, and CloudFront calls share `rates` with every other user of the table.
pub fn ports(aws: &AwsContext, table: &str, bus: &str, edge_role: &str, rates: CloudFrontRates) -> Ports {
    let store: Arc<dyn Store> = Arc::new(store::DynamoTable::new(aws, table));
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let cloudfront = Arc::new(cloudfront::CloudFrontCdn::new(aws));
    Ports {
        cdn: Arc::new(Limited::new(cloudfront, store.clone(), clock.clone(), rates)),
        store,
        buckets: Arc::new(s3::S3Buckets::new(aws)),
        certificates: Arc::new(acm::AcmCertificates::new(aws)),
        dns: Arc::new(route53::Route53::new(aws)),
        metrics: Arc::new(cloudwatch::CloudWatch::new(aws)),
        lambdas: Arc::new(lambda::LambdaEdge::new(aws, edge_role)),
        workflows: Arc::new(sfn::StepFunctions::new(aws)),
        events: Arc::new(events::EventBridgeBus::new(aws, bus)),
        clock,
    }
}
