//! CloudFront's control plane has no published request rate and throttles with "Rate exceeded"
//! well before most clients expect it. Every cfm execution calling it shares one limit per kind
//! of call: time is cut into slots of `1 / rate` seconds, and a call goes ahead only once it has
//! taken a slot no other caller took (a conditional write in the table). Slot names come round
//! in a ring, so the table holds a bounded number of them.

use std::fmt;

use crate::problems::Problems;
use crate::vocabulary;
use crate::vocabulary::Vocabulary;

vocabulary!(
    /// A kind of CloudFront control-plane call, each with its own rate.
    CallKind {
        /// `CreateInvalidation`.
        Invalidation => "invalidation",
        /// Creating, changing or deleting distributions, policies, functions, OACs, identities.
        Write => "write",
        /// Reads: a distribution, the list, an invalidation's status, finding by name.
        Read => "read",
    }
);

/// How long a slot name stays taken before its ring comes round again, in seconds. A lease is
/// kept at least a second past the second it was taken in, so three keep names apart.
pub const RING_SECONDS: f64 = 3.0;
/// Slow-down steps at most: the rate never drops below 1/16 of the configured one.
pub const MAX_DIVISOR: u32 = 16;
/// How long a throttle slows the limit down before it is lifted, in milliseconds.
pub const SLOW_DOWN_MS: i64 = 60_000;

/// Calls per second for each kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CloudFrontRates {
    invalidation: f64,
    write: f64,
    read: f64,
}

impl CloudFrontRates {
    /// On AWS: what CloudFront has been seen to take without throttling (about six quick
    /// invalidations and two or three changes a minute per distribution throttle; see
    /// docs/architecture.md).
    pub const AWS: Self = Self { invalidation: 2.0, write: 1.0, read: 10.0 };
    /// On the local cloud, which never throttles: fast enough that tests do not wait long.
    pub const LOCAL: Self = Self { invalidation: 50.0, write: 25.0, read: 200.0 };

    /// Calls per second of `kind`.
    pub fn of(&self, kind: CallKind) -> f64 {
        match kind {
            CallKind::Invalidation => self.invalidation,
            CallKind::Write => self.write,
            CallKind::Read => self.read,
        }
    }

    /// `defaults` with the rates `text` names (`invalidation=2,write=1,read=10`, any subset),
    /// or every problem.
    pub fn parse(text: &str, defaults: Self) -> Result<Self, Problems> {
        let mut rates = defaults;
        let mut problems = Problems::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                problems.add(part, "must be kind=calls-per-second");
                continue;
            };
            let value = value.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.01 && *v <= 10_000.0);
            match (CallKind::parse(name.trim()), value) {
                (Some(kind), Some(value)) => *rates.slot_mut(kind) = value,
                (None, _) => problems.add(name, format!("is not one of {}", CallKind::allowed())),
                (_, None) => problems.add(name, "must be a number of calls per second from 0.01 to 10000"),
            }
        }
        problems.into_result(rates)
    }

    fn slot_mut(&mut self, kind: CallKind) -> &mut f64 {
        match kind {
            CallKind::Invalidation => &mut self.invalidation,
            CallKind::Write => &mut self.write,
            CallKind::Read => &mut self.read,
        }
    }
}

impl fmt::Display for CloudFrontRates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalidation={},write={},read={}", self.invalidation, self.write, self.read)
    }
}

/// The slots of one kind at one rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slots {
    per_second: f64,
}

impl Slots {
    /// Slots for `rate` calls a second, slowed down by `divisor`.
    pub fn new(rate: f64, divisor: u32) -> Self {
        Self { per_second: rate / f64::from(divisor.clamp(1, MAX_DIVISOR)) }
    }

    /// The slot under way at `now_ms` (milliseconds since the epoch).
    pub fn at(&self, now_ms: i64) -> u64 {
        (now_ms as f64 * self.per_second / 1000.0).floor().max(0.0) as u64
    }

    /// When slot `n` begins, in milliseconds since the epoch.
    pub fn start_ms(&self, n: u64) -> i64 {
        (n as f64 * 1000.0 / self.per_second).ceil() as i64
    }

    /// How many slot names the ring has.
    pub fn ring(&self) -> u64 {
        (self.per_second * RING_SECONDS).ceil().max(RING_SECONDS) as u64
    }
}

/// How far a limit is slowed down: `divisor` until `until_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlowDown {
    /// The rate is divided by this.
    pub divisor: u32,
    /// Until then (milliseconds since the epoch).
    pub until_ms: i64,
}

impl SlowDown {
    /// The divisor in force at `now_ms`.
    pub fn divisor_at(this: Option<Self>, now_ms: i64) -> u32 {
        this.filter(|s| s.until_ms > now_ms).map_or(1, |s| s.divisor)
    }

    /// After one more throttle at `now_ms`: half the rate in force, for another minute.
    pub fn after_throttle(this: Option<Self>, now_ms: i64) -> Self {
        let divisor = (Self::divisor_at(this, now_ms) * 2).min(MAX_DIVISOR);
        Self { divisor, until_ms: now_ms + SLOW_DOWN_MS }
    }

    /// As stored: `divisor until`.
    pub fn encode(&self) -> String {
        format!("{} {}", self.divisor, self.until_ms)
    }

    /// From [`encode`](Self::encode); anything else is no slow-down.
    pub fn decode(text: &str) -> Option<Self> {
        let (divisor, until) = text.split_once(' ')?;
        Some(Self { divisor: divisor.parse().ok()?, until_ms: until.parse().ok()? })
    }
}

/// A worker's last calls of one kind, throttled or not. An isolated throttle is retried and
/// leaves the rate alone; when throttles crowd the window (CloudFront is over its limit, not
/// just noisy), the rate is slowed down for everyone.
#[derive(Debug, Clone, Default)]
pub struct ThrottleWindow {
    recent: std::collections::VecDeque<bool>,
}

impl ThrottleWindow {
    /// Calls the window holds.
    pub const CALLS: usize = 40;
    /// Throttles among them that slow the rate down (40%: a tenth of calls throttled at random
    /// reaches it about once in a million windows).
    pub const CROWDED: usize = 16;

    /// Records a call; `true` when the rate should slow down now (the window starts again).
    pub fn record(&mut self, throttled: bool) -> bool {
        if self.recent.len() == Self::CALLS {
            self.recent.pop_front();
        }
        self.recent.push_back(throttled);
        let crowded = self.recent.iter().filter(|t| **t).count() >= Self::CROWDED;
        if crowded {
            self.recent.clear();
        }
        crowded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_with_every_problem_named() {
        let rates = CloudFrontRates::parse("invalidation=5, read=20", CloudFrontRates::AWS).unwrap();
        assert_eq!(rates.of(CallKind::Invalidation), 5.0);
        assert_eq!(rates.of(CallKind::Write), 1.0);
        assert_eq!(rates.of(CallKind::Read), 20.0);
        assert_eq!(CloudFrontRates::parse("", CloudFrontRates::LOCAL).unwrap(), CloudFrontRates::LOCAL);
        let fields: Vec<_> = CloudFrontRates::parse("fast=1,write=0,read=x,oops", CloudFrontRates::AWS)
            .unwrap_err()
            .list()
            .iter()
            .map(|p| p.field.clone())
            .collect();
        assert_eq!(fields, ["fast", "write", "read", "oops"]);
        let shown = CloudFrontRates::AWS.to_string();
        assert_eq!(CloudFrontRates::parse(&shown, CloudFrontRates::LOCAL).unwrap(), CloudFrontRates::AWS);
    }

    #[test]
    fn slots_cut_time_at_the_rate() {
        let slots = Slots::new(4.0, 1);
        assert_eq!(slots.at(0), 0);
        assert_eq!(slots.at(249), 0);
        assert_eq!(slots.at(250), 1);
        assert_eq!(slots.start_ms(8), 2000);
        assert_eq!(slots.ring(), 12);
        // Slowed down by 2: half as many slots.
        assert_eq!(Slots::new(4.0, 2).at(1000), 2);
        // A slow rate still rings round at least three names.
        assert_eq!(Slots::new(0.5, 1).ring(), 3);
    }

    #[test]
    fn only_crowded_throttles_slow_the_rate_down() {
        let mut noisy = ThrottleWindow::default();
        // One call in ten throttled, evenly: never crowded.
        assert!(!(0..1000).any(|i| noisy.record(i % 10 == 0)));
        let mut storm = ThrottleWindow::default();
        let slowed: Vec<usize> = (0..40).filter(|_| storm.record(true)).collect();
        assert_eq!(slowed, [15, 31], "every 16 throttles in a row");
    }

    #[test]
    fn throttles_halve_the_rate_for_a_minute() {
        let first = SlowDown::after_throttle(None, 1_000);
        assert_eq!(first, SlowDown { divisor: 2, until_ms: 61_000 });
        let second = SlowDown::after_throttle(Some(first), 2_000);
        assert_eq!(second.divisor, 4);
        assert_eq!(SlowDown::divisor_at(Some(second), 61_999), 4);
        assert_eq!(SlowDown::divisor_at(Some(second), 62_000), 1);
        let many = (0..10).fold(None, |s, _| Some(SlowDown::after_throttle(s, 0)));
        assert_eq!(many.unwrap().divisor, MAX_DIVISOR);
        assert_eq!(SlowDown::decode(&second.encode()), Some(second));
        assert_eq!(SlowDown::decode("junk"), None);
    }
}
