//! CloudWatch: a distribution's CloudFront metrics in one `GetMetricData` request (all pages).

use async_trait::async_trait;
use aws_sdk_cloudwatch::types::{Dimension, Metric as CwMetric, MetricDataQuery, MetricStat, ScanBy};
use aws_smithy_types::DateTime;
use cfm_domain::metrics::{Metric, MetricsWindow, Point};
use cfm_ports::PortResult;
use cfm_ports::metrics::Metrics;

use crate::classify::{aws, unexpected};
use crate::config::AwsContext;
use crate::time::instant;

/// CloudWatch in us-east-1.
#[derive(Debug, Clone)]
pub struct CloudWatch {
    client: aws_sdk_cloudwatch::Client,
}

impl CloudWatch {
    /// A client from the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { client: aws.cloudwatch() }
    }
}

fn query(index: usize, metric: Metric, cloudfront_id: &str, period: u32) -> MetricDataQuery {
    let dimension = |name: &str, value: &str| Dimension::builder().name(name).value(value).build();
    let measured = CwMetric::builder()
        .namespace("AWS/CloudFront")
        .metric_name(metric.name())
        .dimensions(dimension("DistributionId", cloudfront_id))
        .dimensions(dimension("Region", "Global"))
        .build();
    let stat = MetricStat::builder().metric(measured).period(period as i32).stat(metric.statistic()).build();
    MetricDataQuery::builder().id(format!("m{index}")).metric_stat(stat).return_data(true).build()
}

#[async_trait]
impl Metrics for CloudWatch {
    async fn distribution(&self, cloudfront_id: &str, window: &MetricsWindow) -> PortResult<Vec<(Metric, Vec<Point>)>> {
        let queries: Vec<_> =
            Metric::ALL.iter().enumerate().map(|(i, m)| query(i, *m, cloudfront_id, window.period)).collect();
        let mut series: Vec<(Metric, Vec<Point>)> = Metric::ALL.iter().map(|m| (*m, Vec::new())).collect();
        let mut token = None;
        loop {
            let out = self
                .client
                .get_metric_data()
                .set_metric_data_queries(Some(queries.clone()))
                .start_time(DateTime::from_secs(window.from.epoch_seconds()))
                .end_time(DateTime::from_secs(window.to.epoch_seconds()))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token)
                .send()
                .await
                .map_err(aws("GetMetricData"))?;
            for result in out.metric_data_results() {
                let index: usize = result
                    .id()
                    .and_then(|id| id.strip_prefix('m')?.parse().ok())
                    .filter(|i| *i < series.len())
                    .ok_or_else(|| unexpected("a GetMetricData result cfm did not ask for"))?;
                let points =
                    result.timestamps().iter().zip(result.values()).map(|(t, v)| Point { at: instant(t), value: *v });
                series[index].1.extend(points);
            }
            token = out.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        for (_, points) in &mut series {
            points.sort_by_key(|p| p.at);
        }
        Ok(series)
    }
}
