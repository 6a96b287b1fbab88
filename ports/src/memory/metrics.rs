//! CloudWatch as stored points.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use cfm_domain::distribution::ErrorRateAlarm;
use cfm_domain::metrics::{Metric, MetricsWindow, Point};

use super::{Faults, guard};
use crate::error::PortResult;
use crate::metrics::Metrics;

/// Points by distribution and metric name.
#[derive(Debug, Default)]
pub struct MemoryMetrics {
    points: Mutex<BTreeMap<(String, &'static str), Vec<Point>>>,
    /// Alarm name → (CloudFront distribution, threshold).
    alarms: Mutex<BTreeMap<String, (String, f64)>>,
    /// Failures to inject (`distribution`, `alarm`).
    pub faults: Faults,
}

impl MemoryMetrics {
    /// Records `points` of `metric` for CloudFront distribution `id`.
    pub fn put(&self, id: &str, metric: Metric, points: Vec<Point>) {
        guard(&self.points).entry((id.to_owned(), metric.name())).or_default().extend(points);
    }

    /// Every alarm: name → (CloudFront distribution, threshold).
    pub fn alarms(&self) -> BTreeMap<String, (String, f64)> {
        guard(&self.alarms).clone()
    }
}

#[async_trait]
impl Metrics for MemoryMetrics {
    async fn distribution(&self, cloudfront_id: &str, window: &MetricsWindow) -> PortResult<Vec<(Metric, Vec<Point>)>> {
        self.faults.check("distribution")?;
        let points = guard(&self.points);
        Ok(Metric::ALL
            .iter()
            .map(|m| {
                let stored = points.get(&(cloudfront_id.to_owned(), m.name())).cloned().unwrap_or_default();
                let mut inside: Vec<Point> =
                    stored.into_iter().filter(|p| p.at >= window.from && p.at < window.to).collect();
                inside.sort_by_key(|p| p.at);
                (*m, inside)
            })
            .collect())
    }

    async fn alarm_threshold(&self, name: &str) -> PortResult<Option<f64>> {
        self.faults.check("alarm")?;
        Ok(guard(&self.alarms).get(name).map(|(_, threshold)| *threshold))
    }

    async fn put_alarm(&self, alarm: &ErrorRateAlarm, cloudfront_id: &str) -> PortResult<()> {
        self.faults.check("alarm")?;
        guard(&self.alarms).insert(alarm.name(), (cloudfront_id.to_owned(), alarm.threshold.value()));
        Ok(())
    }

    async fn delete_alarm(&self, name: &str) -> PortResult<()> {
        self.faults.check("alarm")?;
        guard(&self.alarms).remove(name);
        Ok(())
    }
}
