//! A routed distribution's edge function: cfm's viewer-country policy made once, the function
//! generated from the spec and the origins' records and published (a CloudFront Function LIVE,
//! or a Lambda@Edge version) before the distribution is created with it; a Lambda@Edge
//! distribution's Origin Access Identity made first (retiring them is `retire.rs`).

use cfm_domain::claim::Claim;
use cfm_domain::distribution::{DistributionRecord, DistributionSpec};
use cfm_domain::edge::{
    EdgeBinding, EdgeFunctionRecord, EdgeFunctionStatus, EdgeOrigin, generate, viewer_country_policy,
    viewer_country_policy_id,
};
use cfm_domain::edge::{Routing, RoutingMode};
use cfm_domain::policy::{PolicyRecord, PolicyStatus};
use cfm_domain::record::Claimed;
use cfm_domain::values::{DistributionId, EdgeFunctionId};
use cfm_events::OutgoingEvent;
use cfm_events::RequestContext;
use cfm_events::distribution::{CreateDistributionInput, UpdateDistributionInput};
use cfm_events::edge::{EdgeFunctionAssociated, EdgeFunctionPublished};
use cfm_ports::cdn::OacDeletion;
use cfm_runtime::TaskOutput;

use super::access::origins_of;
use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};
use crate::policies::make_policy;

/// The first routing of a distribution (changing it makes the next).
const FIRST_GENERATION: u32 = 1;

/// Makes cfm's viewer-country origin-request policy if it is not there yet: one for every
/// routed distribution, reserved by each like any policy.
pub(crate) async fn ensure_viewer_country_policy(cx: &Cx<'_>, spec: &DistributionSpec) -> TaskResult<()> {
    if spec.routing.is_none() {
        return Ok(());
    }
    let id = viewer_country_policy_id();
    if cx.records().get::<PolicyRecord>(id.as_str()).await?.is_some_and(|r| r.status == PolicyStatus::Active) {
        return Ok(());
    }
    // Made in CloudFront first (found by name and comment if a delivery made it before), then
    // recorded ready; a record another workflow wrote meanwhile is as good.
    let claim = Claim::new(cx.execution(), "create-distribution", cx.now());
    let mut record = PolicyRecord::creating(id, &viewer_country_policy(), claim, "cfm", cx.now());
    record.cloudfront_id = Some(make_policy(cx, &record).await?);
    record.finish(cx.execution().as_str(), PolicyStatus::Active)?;
    cx.records().create(&record).await?.ok();
    Ok(())
}

/// Generation `generation` of `spec`'s routing for `distribution`: generated from the spec and
/// the origins' records, recorded, published LIVE. A repeat publishes the same code again,
/// which changes nothing.
async fn publish_generation(
    cx: &Cx<'_>,
    distribution: &DistributionId,
    spec: &DistributionSpec,
    routing: &Routing,
    generation: u32,
    workflow: &str,
    request: &RequestContext,
) -> TaskResult<(EdgeBinding, OutgoingEvent)> {
    let routed = routing.origins();
    let origins = origins_of(cx, spec)
        .await?
        .iter()
        .filter(|o| routed.contains(&&o.id))
        .map(|o| EdgeOrigin::of(o, routing.mode))
        .collect::<Result<Vec<_>, _>>()
        .map_err(TaskError::Refused)?;
    let code = generate(routing, &origins).map_err(|e| TaskError::Refused(e.to_string()))?;
    let records = cx.records();
    let claim = Claim::new(cx.execution(), workflow, cx.now());
    let edge = EdgeFunctionRecord::publishing(distribution, generation, routing, &code, claim, cx.now());
    let id = edge.id.clone();
    // A repeat by this execution (a redelivery, or a copy running at once) finds its own record.
    if records.create(&edge).await?.is_err() {
        return Err(TaskError::Conflict(format!("edge function {id} belongs to another execution")));
    }
    let arn = match routing.mode {
        RoutingMode::CloudFrontFunction => {
            cx.ports.cdn.publish_function(&edge.name, &edge.comment(), &edge.code).await?
        }
        RoutingMode::LambdaEdge => cx.ports.lambdas.publish(&edge.name, &edge.comment(), &edge.code).await?,
    };
    let execution = cx.execution().as_str();
    records
        .update::<EdgeFunctionRecord, TaskError>(id.as_str(), cx.now(), |e| {
            if e.finish(execution, EdgeFunctionStatus::Active)? {
                e.arn = Some(arn.clone());
            }
            Ok(())
        })
        .await?;
    let published = EdgeFunctionPublished {
        edge_function_id: id.clone(),
        distribution_id: distribution.clone(),
        name: edge.name.clone(),
        mode: edge.mode,
        arn: arn.clone(),
        size_bytes: edge.size_bytes,
    };
    Ok((EdgeBinding { id, arn, generation, mode: routing.mode }, cx.event(request, &published)))
}

/// Makes the Origin Access Identity a Lambda@Edge distribution reaches its buckets through
/// (OAC cannot follow the function's origin switch), named by a reference derived from the
/// distribution so a redelivery finds it, and records it.
async fn ensure_identity(cx: &Cx<'_>, record: &DistributionRecord) -> TaskResult<()> {
    if record.origin_access_identity.is_some() {
        return Ok(());
    }
    let reference = format!("cfm-{}", record.id);
    let comment = format!("cfm: the buckets of distribution {} (Lambda@Edge routing)", record.id);
    let identity = cx.ports.cdn.ensure_identity(&reference, &comment).await?;
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(record.id.as_str(), cx.now(), |r| {
            r.check_claim(execution)?;
            r.origin_access_identity = Some(identity.clone());
            Ok(())
        })
        .await?;
    Ok(())
}

/// Deletes a distribution's Origin Access Identity once CloudFront no longer uses it (the
/// distribution deleted, or its routing moved off lambda-edge); CloudFront still seeing it in
/// use is "not yet".
pub(crate) async fn delete_identity(cx: &Cx<'_>, record: &DistributionRecord) -> TaskResult<()> {
    let Some(identity) = &record.origin_access_identity else { return Ok(()) };
    match cx.ports.cdn.delete_identity(identity).await? {
        OacDeletion::Deleted => Ok(()),
        OacDeletion::InUse => {
            Err(TaskError::NotYet(format!("Origin Access Identity {identity} is still in use by CloudFront")))
        }
    }
}

/// Notes that `distribution` has used `generation`, before its function is made, so every
/// function it ever had is found when it is deleted (even one published but never recorded).
async fn count_generation(cx: &Cx<'_>, distribution: &DistributionId, generation: u32) -> TaskResult<()> {
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(distribution.as_str(), cx.now(), |r| {
            r.check_claim(execution)?;
            r.edge_generations = r.edge_generations.max(generation);
            Ok(())
        })
        .await?;
    Ok(())
}

/// Publishes the first generation of a new distribution's routing and records it on the
/// distribution, so `CreateDistribution` associates it with the default behaviour.
pub async fn publish(cx: &Cx<'_>, input: CreateDistributionInput) -> TaskResult<TaskOutput> {
    let record: DistributionRecord = cx.claimed(input.distribution_id.as_str()).await?;
    let Some(routing) = &input.spec.routing else { return Ok(TaskOutput::none()) };
    if routing.mode == RoutingMode::LambdaEdge {
        ensure_identity(cx, &record).await?;
    }
    count_generation(cx, &record.id, FIRST_GENERATION).await?;
    let (binding, event) = publish_generation(
        cx,
        &record.id,
        &input.spec,
        routing,
        FIRST_GENERATION,
        "create-distribution",
        &input.request,
    )
    .await?;
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(record.id.as_str(), cx.now(), |r| {
            r.check_claim(execution)?;
            r.edge_function = Some(binding.clone());
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none().with_event(event))
}

/// A routing change (or a replication of the routing as it is) publishes the next generation
/// before `ApplyDistributionUpdate` associates it (the distribution keeps running the current
/// one until then). Nothing to publish when the change removes routing, or when the stored
/// spec has it already (a late delivery of a change).
pub async fn publish_next(cx: &Cx<'_>, input: UpdateDistributionInput) -> TaskResult<TaskOutput> {
    let record: DistributionRecord = cx.claimed(input.distribution_id.as_str()).await?;
    let spec = record.spec.changed(&input.patch).map_err(TaskError::Invalid)?;
    let changed = |r: &&Routing| input.replicate || record.spec.routing.as_ref() != Some(*r);
    let Some(routing) = spec.routing.as_ref().filter(changed) else {
        return Ok(TaskOutput::none());
    };
    ensure_viewer_country_policy(cx, &spec).await?;
    if routing.mode == RoutingMode::LambdaEdge {
        // Into lambda-edge: the buckets will be reached through an identity.
        ensure_identity(cx, &record).await?;
    }
    // Never a generation used before (a failed change's, a removed routing's): the counter
    // moves first, and a redelivery finds the one it took.
    let generation = match &record.pending_edge_function {
        Some(pending) => pending.generation,
        None => record.edge_generations + 1,
    };
    count_generation(cx, &record.id, generation).await?;
    let (binding, event) =
        publish_generation(cx, &record.id, &spec, routing, generation, "update-distribution", &input.request).await?;
    let execution = cx.execution().as_str();
    cx.records()
        .update::<DistributionRecord, TaskError>(record.id.as_str(), cx.now(), |r| {
            r.check_claim(execution)?;
            r.pending_edge_function = Some(binding.clone());
            Ok(())
        })
        .await?;
    Ok(TaskOutput::none().with_event(event))
}

/// The announcement that `record`'s edge function runs everywhere, once CloudFront deployed
/// the distribution with it; `None` when it has none.
pub(crate) fn associated(cx: &Cx<'_>, record: &DistributionRecord, request: &RequestContext) -> Option<OutgoingEvent> {
    let (binding, cloudfront) = (record.edge_function.as_ref()?, record.cloudfront_id()?);
    let associated = EdgeFunctionAssociated {
        edge_function_id: binding.id.clone(),
        distribution_id: record.id.clone(),
        cloudfront_id: cloudfront.to_string(),
        arn: binding.arn.clone(),
        generation: binding.generation,
    };
    Some(cx.event(request, &associated))
}

/// Every edge function `record` ever had: one per generation of its routing.
pub(crate) fn every_function(record: &DistributionRecord) -> Vec<EdgeFunctionId> {
    (1..=record.edge_generations).map(|generation| EdgeFunctionRecord::id_for(&record.id, generation)).collect()
}
