//! `apply-template`.

use cfm_domain::distribution::{DistributionRecord, DistributionStatus};
use cfm_domain::record::Claimed;
use cfm_domain::template::{TemplateRecord, TemplateRequest};
use cfm_domain::values::{DistributionId, TemplateId};
use cfm_events::ErrorName;
use cfm_ports::Clock;
use cfm_ports::store::TemplateStore;
use cfm_ports::workflows::ExecutionStatus;
use serde_json::{Value, json};

use super::{World, caught, execution, request, with};

const CREATE_MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:cfm-create-distribution";

async fn template(world: &World, origin: &cfm_domain::values::OriginId) -> TemplateId {
    let request: TemplateRequest =
        serde_json::from_value(json!({"name": "web", "spec": {"originId": origin, "priceClass": "PriceClass_100"}}))
            .unwrap();
    let id = TemplateId::generate(None);
    let (record, first) =
        TemplateRecord::create(id.clone(), request.parse_create().unwrap(), "alice", world.memory.clock.now());
    assert!(
        world.memory.store.as_ref().create_template(cfm_ports::store::RecordItem::of(&record), &first).await.unwrap()
    );
    id
}

fn apply_input(template: &TemplateId, distribution: &DistributionId) -> Value {
    json!({
        "templateId": template, "version": 1, "name": "from-template", "overrides": {},
        "distributionId": distribution, "request": request(),
        "machines": {"createDistribution": CREATE_MACHINE},
    })
}

#[tokio::test]
async fn apply_records_the_distribution_for_the_child_and_starts_it_once() {
    let world = World::new();
    let origin = world.active_origin("tmpl-bucket").await;
    let template = template(&world, &origin).await;
    let distribution = DistributionId::generate(None);
    let run = execution("apply-template", "a1");
    let input = apply_input(&template, &distribution);
    let started = world.ok("StartTemplateApply", &run, &input).await.output;
    let again = world.ok("StartTemplateApply", &run, &input).await.output;
    assert_eq!(started, again);
    assert_eq!(world.memory.workflows.started().len(), 1);
    let record: DistributionRecord = world.record(distribution.as_str()).await.unwrap();
    assert_eq!(record.spec.name.as_str(), "from-template");
    assert!(record.claimed_by(started["executionArn"].as_str().unwrap()), "the child owns the record");

    let check = with(
        &with(&input, "child", started.clone()),
        "poll",
        json!({"base": 1, "seconds": 1, "attempt": 0, "done": false}),
    );
    assert_eq!(world.ok("CheckTemplateApply", &run, &check).await.output["done"], false);
    let child: cfm_domain::values::ExecutionArn = serde_json::from_value(started["executionArn"].clone()).unwrap();
    world.memory.workflows.end(&child, ExecutionStatus::Failed);
    assert_eq!(world.fails("CheckTemplateApply", &run, &check).await.0, ErrorName::WorkflowFailed);
}

#[tokio::test]
async fn a_failure_before_the_child_started_settles_the_record_it_made() {
    let world = World::new();
    let origin = world.active_origin("tmpl2-bucket").await;
    let template = template(&world, &origin).await;
    let distribution = DistributionId::generate(None);
    let run = execution("apply-template", "a2");
    let input = apply_input(&template, &distribution);
    world.memory.workflows.faults.fail("start", cfm_ports::ErrorKind::Unavailable);
    assert_eq!(world.fails("StartTemplateApply", &run, &input).await.0, ErrorName::Transient);
    let out = world
        .ok("RecordTemplateApplyFailed", &run, &with(&input, "failure", caught("cfm.Transient", "sfn down")))
        .await;
    assert_eq!(out.events[0].detail_type, "TemplateApplyFailed");
    let record: DistributionRecord = world.record(distribution.as_str()).await.unwrap();
    assert_eq!((record.status, record.is_busy()), (DistributionStatus::Failed, false));
}

#[tokio::test]
async fn a_version_the_template_does_not_have_is_refused_and_nothing_is_recorded() {
    let world = World::new();
    let origin = world.active_origin("tmpl3-bucket").await;
    let template = template(&world, &origin).await;
    let distribution = DistributionId::generate(None);
    let input = with(&apply_input(&template, &distribution), "overrides", json!({"priceClass": "PriceClass_100"}));
    let missing = with(&input, "version", json!(7));
    let (name, message) = world.fails("StartTemplateApply", &execution("apply-template", "a3"), &missing).await;
    assert_eq!((name, message.contains("no version 7")), (ErrorName::Validation, true));
    assert!(world.record::<DistributionRecord>(distribution.as_str()).await.is_none());
}
