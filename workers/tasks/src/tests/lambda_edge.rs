//! Lambda@Edge routing over fakes: the distribution's Origin Access Identity made once and
//! granted in every bucket, one version per code however often delivered, the function
//! retired once its replicas are gone, the identity deleted after the distribution, and a
//! routing change into lambda-edge moving every bucket to the identity.

use cfm_domain::bucket_policy::{self, Access};
use cfm_domain::distribution::{DistributionRecord, OriginAccess};
use cfm_domain::edge::{EdgeFunctionRecord, EdgeFunctionStatus, RoutingMode};
use cfm_domain::values::DistributionId;
use serde_json::json;

use super::{World, execution, request};

#[tokio::test]
async fn a_lambda_edge_distribution_reaches_its_buckets_through_its_identity_and_retires_its_function() {
    let world = World::new();
    let (asia, europe) = (world.active_origin("le-asia").await, world.active_origin("le-europe").await);
    let body = json!({"name": "lambda", "origins": [asia, europe], "defaultOriginId": europe,
        "routing": {"mode": "lambda-edge", "map": {"continent:AS": asia}, "defaultOriginId": europe}});
    let run = execution("create-distribution", "lambda");
    let input = world.creating_from(&run, body).await;
    let id: DistributionId = serde_json::from_value(input["distributionId"].clone()).unwrap();
    world.ok("ValidateDistribution", &run, &input).await;
    world.ok("PublishEdgeFunction", &run, &input).await;
    world.ok("PublishEdgeFunction", &run, &input).await;
    world.deploy(&run, &input).await;

    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    let identity = record.origin_access_identity.clone().expect("an identity");
    assert_eq!(world.memory.cdn.identities().len(), 1, "one identity however often delivered");
    let binding = record.edge_function.clone().expect("bound");
    assert_eq!(binding.mode, RoutingMode::LambdaEdge);
    let functions = world.memory.lambdas.functions();
    let edge: EdgeFunctionRecord = world.record(binding.id.as_str()).await.unwrap();
    assert_eq!(functions[&edge.name].len(), 1, "one version however often delivered");
    assert!(binding.arn.ends_with(&format!("function:{}:1", edge.name)), "{}", binding.arn);
    let live = world.memory.cdn.distributions().into_values().next().unwrap().config;
    assert!(live.origins.iter().all(|o| o.access == OriginAccess::S3Identity { oai_id: identity.clone() }));
    let association = live.default_behavior.edge.expect("associated");
    assert_eq!((association.mode, association.arn), (RoutingMode::LambdaEdge, binding.arn.clone()));
    for bucket in ["le-asia", "le-europe"] {
        let policy = world.memory.buckets.get(bucket).unwrap().policy.unwrap();
        assert!(policy.contains(&format!("CloudFront Origin Access Identity {identity}")), "{policy}");
    }

    // Deleted: the identity goes with the distribution; the function once its replicas do.
    world.memory.lambdas.linger(&edge.name, 2);
    let delete = execution("delete-distribution", "lambda");
    world.claim_distribution(&id, &delete, "delete-distribution").await;
    let delete_input = json!({"distributionId": id, "request": request()});
    world.ok("DisableDistribution", &delete, &delete_input).await;
    world.memory.cdn.deploy_all();
    world.ok("DeleteDistribution", &delete, &delete_input).await;
    assert!(world.memory.cdn.identities().is_empty(), "the identity is deleted");
    let outputs = world.run_retirements().await;
    let types: Vec<_> = outputs.iter().flat_map(|o| o.events.iter().map(|e| e.detail_type)).collect();
    assert_eq!(types, ["EdgeFunctionRetireDeferred", "EdgeFunctionRetireDeferred", "EdgeFunctionRetired"]);
    let edge: EdgeFunctionRecord = world.record(edge.id.as_str()).await.unwrap();
    assert_eq!(edge.status, EdgeFunctionStatus::Retired);
    assert!(world.memory.lambdas.functions().is_empty(), "deleted from Lambda");
}

#[tokio::test]
async fn a_failed_create_deletes_the_identity_it_made() {
    let world = World::new();
    let (asia, europe) = (world.active_origin("lf-asia").await, world.active_origin("lf-europe").await);
    let body = json!({"name": "lambda-failed", "origins": [asia, europe], "defaultOriginId": europe,
        "routing": {"mode": "lambda-edge", "map": {"KR": asia}, "defaultOriginId": europe}});
    let run = execution("create-distribution", "lambda-failed");
    let input = world.creating_from(&run, body).await;
    for task in ["ValidateDistribution", "PublishEdgeFunction", "CreateDistribution"] {
        world.ok(task, &run, &input).await;
    }
    assert_eq!(world.memory.cdn.identities().len(), 1);
    let failed = super::with(&input, "failure", super::caught("cfm.Internal", "granting broke"));
    world.ok("CompensateDistribution", &run, &failed).await;
    world.memory.cdn.deploy_all();
    world.ok("FinishDistributionCompensation", &run, &failed).await;
    assert!(world.memory.cdn.identities().is_empty(), "nothing half-made is left");
    assert!(world.memory.cdn.distributions().is_empty());
}

#[tokio::test]
async fn a_routing_change_into_lambda_edge_grants_the_identity_first_and_revokes_the_oac_once_deployed() {
    let world = World::new();
    let (id, asia, europe) = super::edge::routed(&world, "into").await;
    let run = execution("update-distribution", "into");
    world.claim_distribution(&id, &run, "update-distribution").await;
    let routing = json!({"mode": "lambda-edge", "map": {"continent:AS": asia}, "defaultOriginId": europe});
    let patch = serde_json::from_value::<cfm_domain::distribution::DistributionRequest>(json!({"routing": routing}))
        .unwrap()
        .parse_patch()
        .unwrap();
    let input = json!({"distributionId": id, "patch": patch, "request": request(),
        "machines": {"retireEdgeFunction": super::retire_machine()}});
    world.ok("PublishNextEdgeFunction", &run, &input).await;
    world.ok("ApplyDistributionUpdate", &run, &input).await;
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    let identity = record.origin_access_identity.clone().expect("made before the change");
    let grants = |bucket: &str| {
        let policy = world.memory.buckets.get(bucket).unwrap().policy.unwrap_or_default();
        [Access::Oac, Access::Identity].map(|a| bucket_policy::has_grant(&policy, &id, Some(a)))
    };
    assert_eq!(grants("into-asia"), [true, true], "both ways while edges still run the old config");
    let live = world.memory.cdn.distributions().into_values().next().unwrap().config;
    assert!(live.origins.iter().all(|o| o.access == OriginAccess::S3Identity { oai_id: identity.clone() }));
    world.memory.cdn.deploy_all();
    world.ok("FinalizeDistributionUpdate", &run, &input).await;
    assert_eq!(grants("into-asia"), [false, true], "the OAC grant goes once deployed");
    assert_eq!(grants("into-europe"), [false, true]);
}
