//! The one path every mutating route takes once it has parsed its request: name the execution
//! (from the `Idempotency-Key`, so a retry names the same one) → answer a replay with the
//! execution already started → preflight against other resources → hold the record for the
//! execution (a new record, or a claim on an existing one, in one conditional write with the
//! check that it may change now) → start → give the hold back if the start failed.
//!
//! A route says only what is particular to it: its workflow and input, its preflight, its hold.

use std::future::Future;

use async_trait::async_trait;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cfm_domain::claim::{Busy, Claim};
use cfm_domain::record::{Claimed, Record};
use cfm_domain::values::{BucketName, ExecutionArn, OriginId, execution_name};
use cfm_events::RequestContext;
use cfm_ports::workflows::Start;
use cfm_ports::{PortResult, Ports};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::request::{Caller, MAX_BODY_BYTES};
use crate::state::AppState;

/// Step Functions' limit on an execution's input.
const MAX_INPUT_BYTES: usize = 256 * 1024;

/// A workflow to start for a request.
pub(crate) struct Mutation {
    workflow: &'static str,
    name: String,
    resource_id: String,
    input: Value,
}

impl Mutation {
    /// `workflow` on `resource_id` for `caller`, with the input `input` builds around the request
    /// context. An input larger than Step Functions accepts is a 413.
    pub(crate) fn new<T: Serialize>(
        caller: &Caller,
        workflow: &'static str,
        resource_id: &str,
        input: impl FnOnce(RequestContext) -> T,
    ) -> Result<Self, ApiError> {
        let name = execution_name(workflow, resource_id, caller.key());
        let input =
            serde_json::to_value(input(caller.context(&name))).map_err(|e| ApiError::invalid("body", e.to_string()))?;
        if input.to_string().len() > MAX_INPUT_BYTES {
            return Err(ApiError::TooLarge(MAX_BODY_BYTES));
        }
        Ok(Self { workflow, name, resource_id: resource_id.to_owned(), input })
    }
}

/// What a mutation holds for its execution while it starts.
#[async_trait]
pub(crate) trait Hold: Send + Sync {
    /// Takes it for `claim`'s execution; refused (409) if the resource cannot change now.
    async fn take(&mut self, ports: &Ports, claim: &Claim) -> Result<(), ApiError>;
    /// Gives it back: the execution did not start.
    async fn give_back(&self, ports: &Ports, claim: &Claim) -> PortResult<()>;
}

/// Nothing to hold: the workflow takes what it needs itself.
pub(crate) struct Nothing;

#[async_trait]
impl Hold for Nothing {
    async fn take(&mut self, _: &Ports, _: &Claim) -> Result<(), ApiError> {
        Ok(())
    }
    async fn give_back(&self, _: &Ports, _: &Claim) -> PortResult<()> {
        Ok(())
    }
}

/// A new record, claimed by the execution from the start (and, for an origin, its bucket name
/// claimed in the same write).
pub(crate) struct NewRecord<T, F> {
    make: F,
    bucket: Option<(BucketName, OriginId)>,
    made: Option<T>,
}

impl<T, F: Fn(Claim) -> T> NewRecord<T, F> {
    /// The record `make` builds for the execution's claim.
    pub(crate) fn new(make: F) -> Self {
        Self { make, bucket: None, made: None }
    }

    /// Claims `bucket` for `origin` with the record.
    pub(crate) fn claiming(mut self, bucket: &BucketName, origin: &OriginId) -> Self {
        self.bucket = Some((bucket.clone(), origin.clone()));
        self
    }
}

#[async_trait]
impl<T: Record, F: Fn(Claim) -> T + Send + Sync> Hold for NewRecord<T, F> {
    async fn take(&mut self, ports: &Ports, claim: &Claim) -> Result<(), ApiError> {
        let record = (self.make)(claim.clone());
        let bucket = self.bucket.as_ref().map(|(b, o)| (b, o));
        match ports.records().create_claiming(&record, bucket).await? {
            Ok(_) => {
                self.made = Some(record);
                Ok(())
            }
            Err(None) => {
                Err(ApiError::Conflict("the bucket name is taken by another origin; choose another bucketName".into()))
            }
            Err(Some(_)) => Err(ApiError::Conflict(format!("{} '{}' already exists", T::NOUN, record.id()))),
        }
    }

    async fn give_back(&self, ports: &Ports, _: &Claim) -> PortResult<()> {
        // Nothing will run for the record: remove it (and free the bucket name).
        let Some(record) = &self.made else { return Ok(()) };
        let bucket = self.bucket.as_ref().map(|(b, o)| (b, o));
        ports.store.delete(T::KIND, record.id(), bucket).await
    }
}

/// A claim on an existing record, taken with `claim_for` (which checks that it may change
/// now and moves it to its busy status).
pub(crate) struct ClaimRecord<T: Record, F> {
    id: String,
    claim_for: F,
    before: Option<T::Status>,
    undo: fn(&mut T),
}

impl<T: Record, F: Fn(&mut T, Claim) -> Result<T::Status, Busy>> ClaimRecord<T, F> {
    /// Claims record `id` with `claim_for`.
    pub(crate) fn new(id: &str, claim_for: F) -> Self {
        Self { id: id.to_owned(), claim_for, before: None, undo: |_| () }
    }

    /// Also undoes, when giving the claim back, what `claim_for` put on the record besides it.
    pub(crate) fn undoing(mut self, undo: fn(&mut T)) -> Self {
        self.undo = undo;
        self
    }
}

#[async_trait]
impl<T: Record, F: Fn(&mut T, Claim) -> Result<T::Status, Busy> + Send + Sync> Hold for ClaimRecord<T, F> {
    async fn take(&mut self, ports: &Ports, claim: &Claim) -> Result<(), ApiError> {
        let mut before = None;
        ports
            .records()
            .update::<T, Busy>(&self.id, ports.clock.now(), |record| {
                before = Some((self.claim_for)(record, claim.clone())?);
                Ok(())
            })
            .await?;
        self.before = before;
        Ok(())
    }

    async fn give_back(&self, ports: &Ports, claim: &Claim) -> PortResult<()> {
        let Some(before) = self.before else { return Ok(()) };
        let execution = claim.execution.as_str();
        let undone = ports
            .records()
            .update::<T, Busy>(&self.id, ports.clock.now(), |record| {
                if record.is_mine(execution) {
                    (self.undo)(record);
                }
                record.settle(execution, before);
                Ok(())
            })
            .await;
        match undone {
            Ok(_) => Ok(()),
            Err(cfm_ports::store::UpdateError::Service(err)) => Err(err),
            Err(other) => {
                tracing::warn!(error = %other, "could not give back a claim");
                Ok(())
            }
        }
    }
}

impl AppState {
    /// Runs `mutation`: replay, `preflight`, `hold`, start, give back on failure.
    pub(crate) async fn mutate(
        &self,
        mutation: Mutation,
        preflight: impl Future<Output = Result<(), ApiError>> + Send,
        mut hold: impl Hold,
    ) -> Result<Response, ApiError> {
        let machine = self.machines.arn(mutation.workflow)?.to_owned();
        let execution = ExecutionArn::of(&machine, &mutation.name);
        if let Some(existing) = self.ports.workflows.execution(&execution).await? {
            return if existing.input == mutation.input {
                Ok(accepted(&mutation, &execution, false))
            } else {
                Err(reused(&mutation.name))
            };
        }
        preflight.await?;
        let claim = Claim::new(&execution, mutation.workflow, self.now());
        hold.take(&self.ports, &claim).await?;
        let started = self.ports.workflows.start(&machine, &mutation.name, &mutation.input).await;
        match started {
            Ok(Start::Started { execution, new }) => Ok(accepted(&mutation, &execution, new)),
            failed => {
                if let Err(err) = hold.give_back(&self.ports, &claim).await {
                    tracing::warn!(error = %err, resource = mutation.resource_id, "could not give back what a workflow that did not start held");
                }
                match failed {
                    Ok(_) => Err(reused(&mutation.name)),
                    Err(err) => Err(err.into()),
                }
            }
        }
    }
}

fn reused(name: &str) -> ApiError {
    ApiError::Unprocessable(format!("this Idempotency-Key was already used for a different request (execution {name})"))
}

/// The `202 Accepted` answer: where to follow the execution.
fn accepted(mutation: &Mutation, execution: &ExecutionArn, new: bool) -> Response {
    let body = json!({
        "executionId": mutation.name,
        "executionArn": execution,
        "workflow": mutation.workflow,
        "resourceId": mutation.resource_id,
        "replayed": !new,
    });
    let mut response = (StatusCode::ACCEPTED, Json(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = format!("/executions/{}", mutation.name).parse() {
        headers.insert(header::LOCATION, value);
    }
    if !new {
        headers.insert("idempotent-replayed", header::HeaderValue::from_static("true"));
    }
    response
}
