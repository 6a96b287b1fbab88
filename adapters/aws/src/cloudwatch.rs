//! CloudWatch: a distribution's CloudFront metrics in one `GetMetricData` request (all pages),
//! and the alarm cfm keeps on its 5xx error rate.

use async_trait::async_trait;
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric as CwMetric, MetricDataQuery, MetricStat, ScanBy, Statistic, Tag,
};
use aws_smithy_types::DateTime;
use cfm_domain::distribution::ErrorRateAlarm;
use cfm_domain::metrics::{Metric, MetricsWindow, Point};
use cfm_ports::PortResult;
use cfm_ports::metrics::Metrics;

use crate::classify::{aws, error_code, unexpected};
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

/// The alarm's period, and how many of its last periods must breach: 3 of 5 minutes.
const ALARM_PERIOD: i32 = 60;
const ALARM_EVALUATED: i32 = 5;
const ALARM_BREACHING: i32 = 3;

/// CloudFront's dimensions of a distribution's metrics.
fn dimensions(cloudfront_id: &str) -> [Dimension; 2] {
    let dimension = |name: &str, value: &str| Dimension::builder().name(name).value(value).build();
    [dimension("DistributionId", cloudfront_id), dimension("Region", "Global")]
}

fn query(index: usize, metric: Metric, cloudfront_id: &str, period: u32) -> MetricDataQuery {
    let measured = CwMetric::builder()
        .namespace("AWS/CloudFront")
        .metric_name(metric.name())
        .set_dimensions(Some(dimensions(cloudfront_id).into()))
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

    async fn alarm_threshold(&self, name: &str) -> PortResult<Option<f64>> {
        let out = self.client.describe_alarms().alarm_names(name).send().await.map_err(aws("DescribeAlarms"))?;
        Ok(out.metric_alarms().iter().find(|a| a.alarm_name() == Some(name)).and_then(|a| a.threshold()))
    }

    async fn put_alarm(&self, alarm: &ErrorRateAlarm, cloudfront_id: &str) -> PortResult<()> {
        self.client
            .put_metric_alarm()
            .alarm_name(alarm.name())
            .alarm_description(format!(
                "cfm: more than {}% of CloudFront distribution {cloudfront_id}'s responses are 5xx",
                alarm.threshold.value()
            ))
            .namespace("AWS/CloudFront")
            .metric_name(Metric::ErrorRate5xx.name())
            .set_dimensions(Some(dimensions(cloudfront_id).into()))
            .statistic(Statistic::Average)
            .period(ALARM_PERIOD)
            .evaluation_periods(ALARM_EVALUATED)
            .datapoints_to_alarm(ALARM_BREACHING)
            .threshold(alarm.threshold.value())
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            // No traffic is no error.
            .treat_missing_data("notBreaching")
            .tags(Tag::builder().key("cfm:distribution").value(alarm.distribution.as_str()).build())
            .send()
            .await
            .map_err(aws("PutMetricAlarm"))?;
        Ok(())
    }

    async fn delete_alarm(&self, name: &str) -> PortResult<()> {
        match self.client.delete_alarms().alarm_names(name).send().await {
            Ok(_) => Ok(()),
            Err(err) if error_code(&err) == Some("ResourceNotFound") => Ok(()),
            Err(err) => Err(aws("DeleteAlarms")(err)),
        }
    }
}
