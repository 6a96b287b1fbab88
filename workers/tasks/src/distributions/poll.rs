//! The Wait-loop poll shared by every workflow that waits on CloudFront: the task checks once
//! and returns the next interval, doubling from the base up to ten times it.

use cfm_domain::distribution::{DeployStatus, DistributionRecord};
use cfm_domain::values::DistributionId;
use cfm_runtime::TaskOutput;
use serde::{Deserialize, Serialize};

use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};

/// Polls before a wait gives up, unless the loop sets its own limit. With a 30 s base that
/// is about 4.5 hours.
pub const MAX_POLLS: u32 = 60;
/// The interval stops growing at this multiple of the base.
const CAP_FACTOR: u64 = 10;

/// The loop state at `$.poll`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poll {
    /// The base interval (seconds).
    pub base: u64,
    /// The next wait (seconds).
    pub seconds: u64,
    /// Polls so far.
    pub attempt: u32,
    /// Whether the wait is over.
    pub done: bool,
    /// Polls before giving up.
    #[serde(default = "max_polls")]
    pub limit: u32,
}

fn max_polls() -> u32 {
    MAX_POLLS
}

impl Poll {
    /// The first poll of a loop with `base` seconds.
    pub fn starting(base: u64) -> Self {
        Poll { base, seconds: base, attempt: 0, done: false, limit: MAX_POLLS }
    }

    /// The state after one more check.
    pub fn next(self, done: bool) -> TaskResult<Poll> {
        let attempt = self.attempt + 1;
        if !done && attempt >= self.limit {
            return Err(TaskError::DeploymentTimedOut(format!("still not done after {attempt} polls")));
        }
        let base = self.base.max(1);
        let seconds = base.saturating_mul(1 << attempt.min(16)).min(base * CAP_FACTOR);
        Ok(Poll { base, seconds, attempt, done, ..self })
    }

    /// As task output.
    pub fn output(self) -> TaskOutput {
        TaskOutput::value(serde_json::to_value(self).unwrap_or_default())
    }
}

/// The input of a deployment check.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollInput {
    distribution_id: DistributionId,
    poll: Poll,
}

/// `CheckDeployment`: is the distribution `Deployed`? A distribution that does not exist (or
/// was never created) has nothing to wait for.
pub async fn check_deployment(cx: &Cx<'_>, PollInput { distribution_id, poll }: PollInput) -> TaskResult<TaskOutput> {
    let record: Option<DistributionRecord> = cx.records().get(distribution_id.as_str()).await?;
    let done = match record.as_ref().and_then(DistributionRecord::cloudfront_id) {
        None => true,
        Some(id) => cx.ports.cdn.distribution(id).await?.is_none_or(|live| live.status == DeployStatus::Deployed),
    };
    Ok(poll.next(done)?.output())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_cap_and_gives_up() {
        let mut poll = Poll::starting(30);
        let mut waits = vec![poll.seconds];
        for _ in 0..6 {
            poll = poll.next(false).unwrap();
            waits.push(poll.seconds);
        }
        assert_eq!(waits, [30, 60, 120, 240, 300, 300, 300]);
        let last = Poll { attempt: MAX_POLLS - 1, ..poll };
        assert!(matches!(last.next(false), Err(TaskError::DeploymentTimedOut(_))));
        assert!(last.next(true).unwrap().done);
    }

    #[test]
    fn a_fifteen_minute_deployment_costs_at_most_fifteen_polls() {
        let (mut poll, mut waited, mut polls) = (Poll::starting(30), 0, 0);
        while waited < 15 * 60 {
            waited += poll.seconds;
            poll = poll.next(false).unwrap();
            polls += 1;
        }
        assert!(polls <= 15, "{polls} polls");
    }
}
