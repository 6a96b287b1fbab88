//! `invalidate-distribution`: create the invalidation once per execution, poll until it
//! completes, announce it.

use cfm_domain::distribution::DistributionRecord;
use cfm_domain::values::{DistributionId, InvalidationId};
use cfm_events::distribution::{InvalidateInput, InvalidationCompleted, InvalidationFailed};
use cfm_events::envelope::stable_id;
use cfm_runtime::TaskOutput;
use serde::Deserialize;
use serde_json::json;

use super::cloudfront_id;
use super::poll::Poll;
use crate::cx::Cx;
use crate::error::TaskResult;
use crate::input::Failed;

/// Creates the invalidation. The caller reference and a stored marker both come from the
/// execution, so a redelivered task returns the invalidation it already made.
pub async fn create(cx: &Cx<'_>, input: InvalidateInput) -> TaskResult<TaskOutput> {
    let record: DistributionRecord = cx.require(input.distribution_id.as_str()).await?;
    let id = cloudfront_id(&record)?;
    let key = stable_id(&[cx.execution().as_str()]);
    let marker = format!("invalidation/{key}");
    let invalidation = match cx.ports.store.recall(&marker).await? {
        Some(existing) => existing,
        None => {
            let created = cx.ports.cdn.create_invalidation(&id, &input.paths, &format!("cfm-{key}")).await?;
            cx.ports.store.remember(&marker, created.as_str()).await?;
            created.as_str().to_owned()
        }
    };
    Ok(TaskOutput::value(json!({ "invalidationId": invalidation })))
}

/// The invalidation at `$.invalidation`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invalidation {
    invalidation_id: InvalidationId,
}

/// The input of an invalidation check.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckInput {
    distribution_id: DistributionId,
    invalidation: Invalidation,
    poll: Poll,
}

/// `CheckInvalidation`: has it completed?
pub async fn check(cx: &Cx<'_>, input: CheckInput) -> TaskResult<TaskOutput> {
    let record: DistributionRecord = cx.require(input.distribution_id.as_str()).await?;
    let done = cx.ports.cdn.invalidation_done(&cloudfront_id(&record)?, &input.invalidation.invalidation_id).await?;
    Ok(input.poll.next(done)?.output())
}

/// `invalidate-distribution`'s input with the invalidation made.
#[derive(Deserialize)]
pub struct WithInvalidation {
    #[serde(flatten)]
    input: InvalidateInput,
    invalidation: Invalidation,
}

/// Announces the completed invalidation.
pub async fn finalize(
    cx: &Cx<'_>,
    WithInvalidation { input, invalidation }: WithInvalidation,
) -> TaskResult<TaskOutput> {
    let id = invalidation.invalidation_id;
    let output = json!({ "invalidationId": id });
    let completed = InvalidationCompleted {
        distribution_id: input.distribution_id.clone(),
        invalidation_id: id,
        paths: input.paths.clone(),
    };
    Ok(TaskOutput::value(output).with_event(cx.event(&input.request, &completed)))
}

/// Announces that the invalidation failed (the distribution itself is not changed by it).
pub async fn record_failure(cx: &Cx<'_>, failed: Failed<InvalidateInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    let event =
        InvalidationFailed { distribution_id: input.distribution_id.clone(), paths: input.paths.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
