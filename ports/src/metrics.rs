//! CloudWatch: CloudFront's metrics of a distribution, and the alarm cfm keeps on them.

use async_trait::async_trait;
use cfm_domain::distribution::ErrorRateAlarm;
use cfm_domain::metrics::{Metric, MetricsWindow, Point};

use crate::error::PortResult;

/// CloudWatch (us-east-1, where CloudFront's metrics are).
#[async_trait]
pub trait Metrics: Send + Sync {
    /// Every metric of [`Metric::ALL`] for CloudFront distribution `cloudfront_id` over
    /// `window`, read in one `GetMetricData` request: each metric's points, oldest first.
    async fn distribution(&self, cloudfront_id: &str, window: &MetricsWindow) -> PortResult<Vec<(Metric, Vec<Point>)>>;
    /// The threshold (percent) of alarm `name`, if it exists.
    async fn alarm_threshold(&self, name: &str) -> PortResult<Option<f64>>;
    /// Creates or replaces `alarm` on the 5xx error rate of CloudFront distribution
    /// `cloudfront_id`.
    async fn put_alarm(&self, alarm: &ErrorRateAlarm, cloudfront_id: &str) -> PortResult<()>;
    /// Deletes alarm `name` (one that does not exist is already deleted).
    async fn delete_alarm(&self, name: &str) -> PortResult<()>;
}
