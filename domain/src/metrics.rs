//! CloudFront's CloudWatch metrics for a distribution: which ones cfm reads, and the window and
//! period a request asks for, parsed up front.

use serde::Serialize;

use crate::problems::Problems;
use crate::values::Timestamp;

/// The longest window a request may span, and the most points per metric it may ask for.
const MAX_WINDOW_SECONDS: i64 = 63 * 24 * 3600;
const MAX_POINTS: i64 = 1440;
/// The default period and window.
const DEFAULT_PERIOD: u32 = 300;
const DEFAULT_WINDOW_SECONDS: i64 = 3 * 3600;

/// A CloudFront metric (namespace `AWS/CloudFront`, `Region=Global`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Metric {
    /// Viewer requests (sum).
    Requests,
    /// Bytes served to viewers (sum).
    BytesDownloaded,
    /// Bytes viewers sent (sum).
    BytesUploaded,
    /// Share of responses with a 4xx status, in percent (average).
    ErrorRate4xx,
    /// Share of responses with a 5xx status, in percent (average).
    ErrorRate5xx,
    /// Share of responses with a 4xx or 5xx status, in percent (average).
    TotalErrorRate,
    /// Share of requests served from cache, in percent (average; needs the additional metrics).
    CacheHitRate,
}

impl Metric {
    /// Every metric cfm reads.
    pub const ALL: [Metric; 7] = [
        Metric::Requests,
        Metric::BytesDownloaded,
        Metric::BytesUploaded,
        Metric::ErrorRate4xx,
        Metric::ErrorRate5xx,
        Metric::TotalErrorRate,
        Metric::CacheHitRate,
    ];

    /// CloudWatch's name of it.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Requests => "Requests",
            Metric::BytesDownloaded => "BytesDownloaded",
            Metric::BytesUploaded => "BytesUploaded",
            Metric::ErrorRate4xx => "4xxErrorRate",
            Metric::ErrorRate5xx => "5xxErrorRate",
            Metric::TotalErrorRate => "TotalErrorRate",
            Metric::CacheHitRate => "CacheHitRate",
        }
    }

    /// The statistic that sums it up per period.
    pub fn statistic(self) -> &'static str {
        match self {
            Metric::Requests | Metric::BytesDownloaded | Metric::BytesUploaded => "Sum",
            _ => "Average",
        }
    }

    /// Its key in answers.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Requests => "requests",
            Metric::BytesDownloaded => "bytesDownloaded",
            Metric::BytesUploaded => "bytesUploaded",
            Metric::ErrorRate4xx => "errorRate4xx",
            Metric::ErrorRate5xx => "errorRate5xx",
            Metric::TotalErrorRate => "totalErrorRate",
            Metric::CacheHitRate => "cacheHitRate",
        }
    }
}

/// One value of a metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    /// The period's start.
    pub at: Timestamp,
    /// Its value.
    pub value: f64,
}

/// The window and period asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsWindow {
    /// Seconds per point (a multiple of 60).
    pub period: u32,
    /// From (inclusive).
    pub from: Timestamp,
    /// To (exclusive).
    pub to: Timestamp,
}

/// `?period=&from=&to=` as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsRequest {
    /// Seconds, a multiple of 60 (default 300).
    pub period: Option<String>,
    /// RFC 3339 (default: `to` minus 3 hours).
    pub from: Option<String>,
    /// RFC 3339 (default: now).
    pub to: Option<String>,
}

fn time(problems: &mut Problems, field: &str, text: Option<&str>) -> Option<Option<Timestamp>> {
    match text {
        None => Some(None),
        Some(text) => match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(at) => Some(Some(Timestamp::at(at.to_utc()))),
            Err(_) => {
                problems.add(field, "must be an RFC 3339 time, e.g. 2026-12-01T10:00:00Z");
                None
            }
        },
    }
}

impl MetricsRequest {
    /// The window, or every problem; `now` fills in what is not given.
    pub fn parse(&self, now: Timestamp) -> Result<MetricsWindow, Problems> {
        let mut problems = Problems::new();
        let period = match self.period.as_deref() {
            None => Some(DEFAULT_PERIOD),
            Some(text) => match text.parse::<u32>() {
                Ok(p) if p >= 60 && p % 60 == 0 && p <= 86_400 => Some(p),
                _ => {
                    problems.add("period", "must be seconds, a multiple of 60 from 60 to 86400");
                    None
                }
            },
        };
        let to = time(&mut problems, "to", self.to.as_deref());
        let from = time(&mut problems, "from", self.from.as_deref());
        let (Some(period), Some(to), Some(from)) = (period, to, from) else { return Err(problems) };
        let to = to.unwrap_or(now);
        let from = from.unwrap_or_else(|| Timestamp::at(to.time() - chrono::Duration::seconds(DEFAULT_WINDOW_SECONDS)));
        let span = to.seconds_since(from);
        problems.check(span <= 0, "from", "must be before to");
        problems.check(span > MAX_WINDOW_SECONDS, "from", "the window may span at most 63 days");
        problems.check(
            span > 0 && span / i64::from(period) > MAX_POINTS,
            "period",
            "asks for more than 1440 points per metric: use a longer period",
        );
        problems.into_result(MetricsWindow { period, from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::at(chrono::DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z").unwrap().to_utc())
    }

    fn fields(request: MetricsRequest) -> Vec<String> {
        request.parse(now()).unwrap_err().list().iter().map(|p| p.field.clone()).collect()
    }

    #[test]
    fn the_window_defaults_to_three_hours_by_five_minutes() {
        let window = MetricsRequest::default().parse(now()).unwrap();
        assert_eq!((window.period, window.to, window.to.seconds_since(window.from)), (300, now(), 3 * 3600));
    }

    #[test]
    fn bad_windows_name_their_fields() {
        let text = |s: &str| Some(s.to_owned());
        assert_eq!(fields(MetricsRequest { period: text("90"), ..Default::default() }), ["period"]);
        assert_eq!(
            fields(MetricsRequest { to: text("yesterday"), from: text("x"), ..Default::default() }),
            ["to", "from"]
        );
        let backwards = MetricsRequest { from: text("2026-12-01T13:00:00Z"), ..Default::default() };
        assert_eq!(fields(backwards), ["from"]);
        let dense = MetricsRequest { period: text("60"), from: text("2026-11-01T00:00:00Z"), ..Default::default() };
        assert_eq!(fields(dense), ["period"]);
        assert_eq!(Metric::ALL.map(Metric::statistic)[0], "Sum");
    }
}
