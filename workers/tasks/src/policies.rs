//! `create-policy`, `update-policy`, `delete-policy`: one task each, and one that records
//! each failure. The API claimed (or created) the record for the execution; every task ends
//! the claim. CloudFront policy names are unique in the account, and cfm's comment names the
//! cfm policy, so a redelivered create finds the one it made and never adopts a stranger's.

use cfm_domain::policy::{PolicyRecord, PolicyStatus};
use cfm_domain::record::Claimed;
use cfm_events::policy::{
    DeletePolicyInput, PolicyCreateFailed, PolicyCreated, PolicyDeleteFailed, PolicyDeleted, PolicyInput,
    PolicyUpdateFailed, PolicyUpdated,
};
use cfm_ports::ErrorKind;
use cfm_ports::cdn::PolicyDeletion;
use cfm_runtime::TaskOutput;

use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::input::Failed;

/// What CloudFront has under a policy record's name.
pub(crate) enum Named {
    /// The policy cfm made for this record, by CloudFront's id.
    Own(String),
    /// A policy this record did not make (outside cfm, or another cfm policy's).
    Other,
    /// Nothing.
    Free,
}

impl Named {
    /// CloudFront's id, if the policy is this record's.
    pub(crate) fn own(self) -> Option<String> {
        match self {
            Self::Own(id) => Some(id),
            Self::Other | Self::Free => None,
        }
    }
}

/// What CloudFront has under `record`'s name.
pub(crate) async fn named(cx: &Cx<'_>, record: &PolicyRecord) -> TaskResult<Named> {
    Ok(match cx.ports.cdn.find_policy(record.kind(), &record.spec.name).await? {
        Some(found) if record.owns(&found.comment) => Named::Own(found.id),
        Some(_) => Named::Other,
        None => Named::Free,
    })
}

/// Makes the policy, or adopts the one a concurrent delivery of this task made meanwhile (the
/// name is then taken, by this record's own policy). A name taken by another is the user's to
/// change: cfm never adopts a policy it did not make.
pub(crate) async fn make_policy(cx: &Cx<'_>, record: &PolicyRecord) -> TaskResult<String> {
    let taken = || {
        TaskError::NotOwned(format!(
            "another {} is named '{}'; choose another name",
            record.kind().noun(),
            record.spec.name
        ))
    };
    match named(cx, record).await? {
        Named::Own(id) => return Ok(id),
        Named::Other => return Err(taken()),
        Named::Free => {}
    }
    match cx.ports.cdn.create_policy(record).await {
        Ok(id) => Ok(id),
        Err(err) if err.kind == ErrorKind::Rejected => match named(cx, record).await? {
            Named::Own(id) => Ok(id),
            Named::Other => Err(taken()),
            Named::Free => Err(err.into()),
        },
        Err(err) => Err(err.into()),
    }
}

/// Finds or makes the policy in CloudFront, records its id, ends the claim and announces it.
pub async fn create(cx: &Cx<'_>, input: PolicyInput) -> TaskResult<TaskOutput> {
    let execution = cx.execution().as_str();
    let record: PolicyRecord = cx.require(input.policy_id.as_str()).await?;
    let cloudfront_id = match (&record.cloudfront_id, record.finished_by(execution)?) {
        (Some(id), _) => id.clone(),
        (None, true) => return Err(TaskError::Internal(format!("policy {} ended without a CloudFront id", record.id))),
        (None, false) => make_policy(cx, &record).await?,
    };
    let record = cx
        .records()
        .update::<PolicyRecord, TaskError>(input.policy_id.as_str(), cx.now(), |r| {
            if r.finish(execution, PolicyStatus::Active)? {
                r.cloudfront_id = Some(cloudfront_id.clone());
                r.meta.last_error = None;
            }
            Ok(())
        })
        .await?;
    let created = PolicyCreated {
        policy_id: record.id.clone(),
        kind: record.kind(),
        name: record.spec.name.clone(),
        cloudfront_id,
    };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &created)))
}

/// Records why creating failed and ends the claim. A policy CloudFront made before the failure
/// is found by its name and comment when the record is deleted.
pub async fn record_create_failure(cx: &Cx<'_>, failed: Failed<PolicyInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    cx.settle_failed::<PolicyRecord>(input.policy_id.as_str(), PolicyStatus::Failed, &failure, |_| ()).await?;
    let event = PolicyCreateFailed { policy_id: input.policy_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}

/// Gives CloudFront's policy the new settings (If-Match), records them, ends the claim and
/// announces it. CloudFront applies them to every behaviour using the policy.
pub async fn update(cx: &Cx<'_>, input: PolicyInput) -> TaskResult<TaskOutput> {
    let execution = cx.execution().as_str();
    let record: PolicyRecord = cx.require(input.policy_id.as_str()).await?;
    let updated = PolicyUpdated { policy_id: input.policy_id.clone(), name: input.spec.name.clone() };
    if record.finished_by(execution)? {
        return Ok(TaskOutput::none().with_event(cx.event(&input.request, &updated)));
    }
    let id = record.ready()?.to_owned();
    cx.ports.cdn.update_policy(&id, &PolicyRecord { spec: input.spec.clone(), ..record }).await?;
    cx.records()
        .update::<PolicyRecord, TaskError>(input.policy_id.as_str(), cx.now(), |r| {
            if r.finish(execution, PolicyStatus::Active)? {
                r.spec = input.spec.clone();
                r.meta.last_error = None;
            }
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &updated)))
}

/// Records why updating failed; the policy is active with the settings it had.
pub async fn record_update_failure(cx: &Cx<'_>, failed: Failed<PolicyInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    cx.settle_failed::<PolicyRecord>(input.policy_id.as_str(), PolicyStatus::Active, &failure, |_| ()).await?;
    let event = PolicyUpdateFailed { policy_id: input.policy_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}

/// Deletes the policy from CloudFront (refused while a behaviour uses it, cfm's or not), then
/// the record. A redelivery that finds the record gone announces the same event.
pub async fn delete(cx: &Cx<'_>, input: DeletePolicyInput) -> TaskResult<TaskOutput> {
    let deleted = PolicyDeleted { policy_id: input.policy_id.clone() };
    let Some(record) = cx.records().get::<PolicyRecord>(input.policy_id.as_str()).await? else {
        return Ok(TaskOutput::none().with_event(cx.event(&input.request, &deleted)));
    };
    record.check_claim(cx.execution().as_str())?;
    if !record.distributions.is_empty() {
        let used: Vec<&str> = record.distributions.iter().map(|d| d.as_str()).collect();
        return Err(TaskError::PolicyInUse(format!("{} is used by distributions {}", record.what(), used.join(", "))));
    }
    let cloudfront_id = match &record.cloudfront_id {
        Some(id) => Some(id.clone()),
        None => named(cx, &record).await?.own(),
    };
    if let Some(id) = cloudfront_id
        && cx.ports.cdn.delete_policy(record.kind(), &id).await? == PolicyDeletion::InUse
    {
        return Err(TaskError::PolicyInUse(format!(
            "{} {id} is used by a behaviour cfm does not manage; remove it there first",
            record.kind().noun()
        )));
    }
    cx.records().delete::<PolicyRecord>(record.id.as_str()).await?;
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &deleted)))
}

/// Records why deleting failed and ends the claim: active while CloudFront has the policy.
pub async fn record_delete_failure(cx: &Cx<'_>, failed: Failed<DeletePolicyInput>) -> TaskResult<TaskOutput> {
    let (failure, input) = (failed.failure(), &failed.input);
    if let Some(record) = cx.records().get::<PolicyRecord>(input.policy_id.as_str()).await? {
        let status = record.after_failed_delete();
        cx.settle_failed::<PolicyRecord>(input.policy_id.as_str(), status, &failure, |_| ()).await?;
    }
    let event = PolicyDeleteFailed { policy_id: input.policy_id.clone(), failure };
    Ok(TaskOutput::none().with_event(cx.event(&input.request, &event)))
}
