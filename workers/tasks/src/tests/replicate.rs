//! `replicate-edge-function` over fakes: the routing's function published again from the
//! origins as they are now (a bucket that became a website), associated, and the last retired
//! once deployed; a late delivery publishes nothing more.

use cfm_domain::distribution::DistributionRecord;
use cfm_domain::edge::{EdgeFunctionRecord, EdgeFunctionStatus};
use cfm_domain::origin::{OriginKind, OriginRecord, Website};
use cfm_ports::Clock;
use serde_json::json;

use super::edge::routed;
use super::{World, execution, request, retire_machine};

#[tokio::test]
async fn replicating_publishes_the_routing_again_from_the_origins_as_they_are_and_retires_the_last() {
    let world = World::new();
    let (id, asia, _) = routed(&world, "replica").await;
    let before: DistributionRecord = world.record(id.as_str()).await.unwrap();
    let first = before.edge_function.clone().unwrap();
    // The Asia bucket became a website: its index document belongs in the code now.
    world
        .memory
        .ports()
        .records()
        .update::<OriginRecord, cfm_domain::claim::Busy>(asia.as_str(), world.memory.clock.now(), |o| {
            if let OriginKind::S3(bucket) = &mut o.kind {
                bucket.website = Some(Website { index_document: "home.html".into(), error_document: None });
            }
            Ok(())
        })
        .await
        .unwrap();

    let run = execution("replicate-edge-function", "replica");
    world.claim_distribution(&id, &run, "replicate-edge-function").await;
    let input = json!({"distributionId": id, "patch": {}, "replicate": true, "request": request(),
        "machines": {"retireEdgeFunction": retire_machine()}});
    let published = world.ok("PublishNextEdgeFunction", &run, &input).await;
    assert_eq!(published.events[0].detail_type, "EdgeFunctionPublished");
    world.ok("PublishNextEdgeFunction", &run, &input).await;
    world.ok("ApplyDistributionUpdate", &run, &input).await;
    world.ok("ApplyDistributionUpdate", &run, &input).await;
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    let second = record.edge_function.clone().unwrap();
    assert_eq!((second.generation, record.retiring_edge_function.as_ref()), (2, Some(&first)));
    let edge: EdgeFunctionRecord = world.record(second.id.as_str()).await.unwrap();
    assert!(edge.code.contains("home.html"), "generated from the origins as they are now");
    let live = world.memory.cdn.distributions().into_values().next().unwrap().config;
    assert_eq!(live.default_behavior.edge.map(|e| e.arn), Some(second.arn.clone()));

    world.memory.cdn.deploy_all();
    let finished = world.ok("FinalizeDistributionUpdate", &run, &input).await;
    let types: Vec<_> = finished.events.iter().map(|e| e.detail_type).collect();
    assert_eq!(types, ["EdgeFunctionAssociated"], "no setting changed: no DistributionUpdated");
    let outputs = world.run_retirements().await;
    assert!(outputs.iter().flat_map(|o| &o.events).any(|e| e.detail_type == "EdgeFunctionRetired"));
    let old: EdgeFunctionRecord = world.record(first.id.as_str()).await.unwrap();
    assert_eq!(old.status, EdgeFunctionStatus::Retired);
    // Delivered late, after the claim ended: nothing more is published.
    assert!(world.fails("PublishNextEdgeFunction", &run, &input).await.1.contains("finished"));
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!(record.edge_generations, 2);
}
