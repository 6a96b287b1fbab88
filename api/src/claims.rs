//! Starting a workflow that changes an existing resource: claim the record for the execution in
//! the same conditional write that checks the resource may change now, start the execution,
//! and give the claim back if it could not start. Two requests cannot both pass the check: the
//! second is a 409 (or, with the same Idempotency-Key, the same execution).

use axum::response::Response;
use cfm_aws::store::Stored;
use cfm_core::claim::Busy;
use cfm_events::ErrorName;

use crate::error::ApiError;
use crate::executions::Start;
use crate::state::AppState;

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Claims record `id` with `take(record, execution ARN, now)`, which checks the record may
/// change and returns what `undo` needs to put it back; then starts `start`.
pub(crate) async fn start_claimed<T, S>(
    state: &AppState,
    id: &str,
    start: &Start,
    take: impl Fn(&mut T, &str, &str) -> Result<S, Busy>,
    undo: impl Fn(&mut T, &str, S),
) -> Result<Response, ApiError>
where
    T: Stored + Send,
    S: Copy,
{
    let arn = state.execution_arn(start)?;
    let mut before = None;
    state
        .store
        .update::<T, _>(id, &now(), |record| {
            let taken =
                take(record, &arn, &now()).map_err(|busy| cfm_aws::TaskError::new(ErrorName::Conflict, busy.0))?;
            before = Some(taken);
            Ok(())
        })
        .await?;
    match state.start(start).await {
        Ok(response) => Ok(response),
        Err(err) => {
            if let Some(before) = before {
                let undone = state
                    .store
                    .update::<T, _>(id, &now(), |record| {
                        undo(record, &arn, before);
                        Ok(())
                    })
                    .await;
                if let Err(cleanup) = undone {
                    tracing::warn!(error = %cleanup, id, "could not release the claim of a workflow that did not start");
                }
            }
            Err(err)
        }
    }
}
