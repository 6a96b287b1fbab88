//! A distribution's CloudWatch alarm: on its 5xx error rate, made and removed with it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::problems::Problems;
use crate::values::DistributionId;

/// The alarms a user asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlarmsRequest {
    /// Alarm when more than this percentage of responses are 5xx (above 0, at most 100).
    #[serde(default, rename = "errorRate5xxPercent", skip_serializing_if = "Option::is_none")]
    pub error_rate_5xx_percent: Option<serde_json::Number>,
}

impl AlarmsRequest {
    /// The alarms, or each problem under `field`.
    pub fn parse(&self, field: &str, problems: &mut Problems) -> Option<Alarms> {
        let at = format!("{field}.errorRate5xxPercent");
        let Some(percent) = self.error_rate_5xx_percent.as_ref().and_then(serde_json::Number::as_f64) else {
            problems.add(at, "is required: the 5xx error rate, in percent, above which the alarm fires");
            return None;
        };
        match Percent::parse(percent) {
            Ok(threshold) => Some(Alarms { error_rate_5xx_percent: threshold }),
            Err(message) => {
                problems.add(at, message);
                None
            }
        }
    }
}

/// A percentage above 0 and at most 100, kept in hundredths (so specs compare exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "f64", into = "f64")]
pub struct Percent(u32);

impl Percent {
    /// The percentage (to hundredths), or why it is not one.
    pub fn parse(value: f64) -> Result<Self, String> {
        let hundredths = (value * 100.0).round();
        if value.is_finite() && value > 0.0 && value <= 100.0 && hundredths >= 1.0 {
            // Within 1..=10_000, so the cast is exact.
            Ok(Self(hundredths as u32))
        } else {
            Err("must be a percentage above 0 (at least 0.01) and at most 100".into())
        }
    }

    /// As a number of percent.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl TryFrom<f64> for Percent {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        Self::parse(value)
    }
}

impl From<Percent> for f64 {
    fn from(percent: Percent) -> f64 {
        percent.value()
    }
}

/// The alarms a distribution has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alarms {
    /// The 5xx error rate (percent of responses) above which its alarm fires.
    #[serde(rename = "errorRate5xxPercent")]
    pub error_rate_5xx_percent: Percent,
}

/// The alarm cfm keeps for a distribution: its name is derived from the distribution's id, so
/// cfm only ever touches its own.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRateAlarm {
    /// The distribution it watches.
    pub distribution: DistributionId,
    /// The percentage above which it fires.
    pub threshold: Percent,
}

impl ErrorRateAlarm {
    /// The name of `distribution`'s alarm: `cfm-<distribution id>-5xx-error-rate`.
    pub fn name_for(distribution: &DistributionId) -> String {
        format!("cfm-{distribution}-5xx-error-rate")
    }

    /// Its name.
    pub fn name(&self) -> String {
        Self::name_for(&self.distribution)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_above_zero_and_at_most_a_hundred() {
        assert_eq!(Percent::parse(2.5).unwrap().value(), 2.5);
        assert_eq!(Percent::parse(100.0).unwrap().value(), 100.0);
        assert_eq!(Percent::parse(0.014).unwrap().value(), 0.01, "kept to hundredths");
        for bad in [0.0, -1.0, 100.01, 0.004, f64::NAN, f64::INFINITY] {
            assert!(Percent::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_request_names_its_field() {
        let mut problems = Problems::new();
        assert!(AlarmsRequest::default().parse("alarms", &mut problems).is_none());
        let zero = AlarmsRequest { error_rate_5xx_percent: Some(0.into()) };
        assert!(zero.parse("alarms", &mut problems).is_none());
        let fields: Vec<_> = problems.list().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["alarms.errorRate5xxPercent", "alarms.errorRate5xxPercent"]);
        let parsed = AlarmsRequest { error_rate_5xx_percent: Some(5.into()) }.parse("alarms", &mut problems);
        assert_eq!(parsed.unwrap().error_rate_5xx_percent.value(), 5.0);
    }
}
