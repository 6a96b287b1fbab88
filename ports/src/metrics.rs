//! CloudWatch: CloudFront's metrics of a distribution.

use async_trait::async_trait;
use cfm_domain::metrics::{Metric, MetricsWindow, Point};

use crate::error::PortResult;

/// CloudWatch (us-east-1, where CloudFront's metrics are).
#[async_trait]
pub trait Metrics: Send + Sync {
    /// Every metric of [`Metric::ALL`] for CloudFront distribution `cloudfront_id` over
    /// `window`, read in one `GetMetricData` request: each metric's points, oldest first.
    async fn distribution(&self, cloudfront_id: &str, window: &MetricsWindow) -> PortResult<Vec<(Metric, Vec<Point>)>>;
}
