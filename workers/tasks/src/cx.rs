//! What a task handler runs with: the ports, the task's execution, and helpers every handler
//! uses (the clock, typed records, events).

use cfm_domain::failure::Failure;
use cfm_domain::record::{Claimed, Record};
use cfm_domain::values::{ExecutionArn, Timestamp};
use cfm_events::{EventDetail, EventOrigin, OutgoingEvent, RequestContext, TaskContext};
use cfm_ports::store::UpdateError;
use cfm_ports::{Ports, Records};

use crate::error::{TaskError, TaskResult};

/// A task's context.
pub struct Cx<'a> {
    /// Every port.
    pub ports: &'a Ports,
    /// The task and its execution.
    pub task: &'a TaskContext,
}

impl Cx<'_> {
    /// The execution this task belongs to.
    pub fn execution(&self) -> &ExecutionArn {
        &self.task.execution
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        self.ports.clock.now()
    }

    /// Typed records.
    pub fn records(&self) -> Records<'_> {
        self.ports.records()
    }

    /// The record, which must exist.
    pub async fn require<T: Record>(&self, id: &str) -> TaskResult<T> {
        self.records()
            .get::<T>(id)
            .await?
            .ok_or_else(|| TaskError::NotFound(format!("{} {id} does not exist", T::NOUN)))
    }

    /// The record, which this task's execution must hold.
    pub async fn claimed<T: Record>(&self, id: &str) -> TaskResult<T> {
        let record: T = self.require(id).await?;
        record.check_claim(self.execution().as_str())?;
        Ok(record)
    }

    /// Settles this execution's work on a record in `status`, recording `failure`, and then
    /// applies `also` to it (see [`Claimed::settle_failed`]). A record that is gone, or that
    /// another execution holds now, is left alone. Returns whether it was settled.
    pub async fn settle_failed<T: Record>(
        &self,
        id: &str,
        status: T::Status,
        failure: &Failure,
        also: impl Fn(&mut T) + Send + Sync,
    ) -> TaskResult<bool> {
        self.settle_failed_as(id, self.execution().as_str(), status, failure, also).await
    }

    /// [`settle_failed`](Self::settle_failed) for `execution`'s work (the reconciler settles
    /// what ended executions left).
    pub async fn settle_failed_as<T: Record>(
        &self,
        id: &str,
        execution: &str,
        status: T::Status,
        failure: &Failure,
        also: impl Fn(&mut T) + Send + Sync,
    ) -> TaskResult<bool> {
        let mut settled = false;
        let result = self
            .records()
            .update::<T, TaskError>(id, self.now(), |r| {
                settled = r.settle_failed(execution, status, failure);
                if settled {
                    also(r);
                }
                Ok(())
            })
            .await;
        match result {
            Ok(_) => Ok(settled),
            Err(UpdateError::Missing(_)) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// An event this task causes on behalf of `request`. Its id comes from the execution, so a
    /// redelivered task publishes the same one.
    pub fn event<T: EventDetail>(&self, request: &RequestContext, data: &T) -> OutgoingEvent {
        OutgoingEvent::new(&self.origin(request), data, self.now())
    }

    /// An event of this execution that it may announce more than once about the same resource
    /// (one per attempt, say): `nth` tells them apart, and a redelivery repeats its id.
    pub fn nth_event<T: EventDetail>(&self, request: &RequestContext, data: &T, nth: u32) -> OutgoingEvent {
        self.event_for(request, data, &nth.to_string())
    }

    /// [`nth_event`](Self::nth_event) told apart by `which` (a zone, say).
    pub fn event_for<T: EventDetail>(&self, request: &RequestContext, data: &T, which: &str) -> OutgoingEvent {
        let fact = [self.execution().as_str(), data.resource_id(), which];
        OutgoingEvent::for_fact(&fact, &self.origin(request), data, self.now())
    }

    fn origin<'r>(&'r self, request: &'r RequestContext) -> EventOrigin<'r> {
        EventOrigin {
            execution_arn: Some(self.execution().as_str()),
            correlation_id: &request.correlation_id,
            actor: &request.actor,
        }
    }
}
