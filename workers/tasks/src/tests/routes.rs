//! Custom origins, and distributions over several origins: every S3 origin granted, added and
//! removed origins granted and revoked on update, every grant gone on delete.

use cfm_domain::bucket_policy;
use cfm_domain::claim::Busy;
use cfm_domain::distribution::{DistributionRecord, OriginAccess};
use cfm_domain::origin::{OriginKind, OriginRecord, OriginStatus};
use cfm_domain::values::{DistributionId, OriginId};
use cfm_ports::clock::Clock;
use serde_json::json;

use super::{World, caught, execution, request, with};

/// Whether `bucket`'s policy grants the distribution.
fn granted(world: &World, bucket: &str, distribution: &DistributionId) -> bool {
    let policy = world.memory.buckets.get(bucket).and_then(|b| b.policy);
    policy.is_some_and(|p| bucket_policy::has_grant(&p, distribution, None))
}

async fn users(world: &World, origin: &OriginId) -> Vec<DistributionId> {
    world.record::<OriginRecord>(origin.as_str()).await.unwrap().distributions
}

#[tokio::test]
async fn a_custom_origin_is_recorded_ready_without_a_bucket_and_its_secret_stays_on_the_record() {
    let world = World::new();
    let run = execution("create-origin", "api");
    let request = serde_json::from_value(json!({"type": "custom", "name": "api", "domainName": "api.example.com",
        "customHeaders": {"X-Origin-Key": "s3cr3t"}}))
    .unwrap();
    let input = world.creating(&run, request).await;
    assert!(!input.to_string().contains("s3cr3t"), "the workflow input never carries it: {input}");
    world.ok("ValidateOrigin", &run, &input).await;
    let event = world.ok("FinalizeOrigin", &run, &input).await.events.remove(0);
    let detail = serde_json::to_string(&event.detail).unwrap();
    assert!(detail.contains("api.example.com") && !detail.contains("s3cr3t"), "{detail}");
    let id: OriginId = serde_json::from_value(input["originId"].clone()).unwrap();
    let record: OriginRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!((record.status, record.oac_id.as_ref()), (OriginStatus::Active, None));
    let OriginKind::Custom(custom) = &record.kind else { panic!("a custom origin") };
    assert_eq!(custom.custom_headers.values().next().unwrap().expose(), "s3cr3t");
    assert!(!serde_json::to_string(&record.redacted()).unwrap().contains("s3cr3t"));
    assert!(world.memory.cdn.oac_names().is_empty(), "no OAC for a custom origin");
}

#[tokio::test]
async fn a_distribution_over_three_origins_grants_each_bucket_and_update_and_delete_revoke() {
    let world = World::new();
    let (primary, backup) = (world.active_origin("primary-b").await, world.active_origin("backup-b").await);
    let api = world.custom_origin("api.example.com").await;
    let body = json!({
        "name": "multi", "origins": [primary, backup, api], "defaultOriginGroupId": "assets",
        "originGroups": [{"id": "assets", "primaryOriginId": primary, "secondaryOriginId": backup}],
        "behaviors": [{"pathPattern": "/api/*", "originId": api, "allowedMethods": "ALL"}]
    });
    let run = execution("create-distribution", "multi");
    let input = world.creating_from(&run, body).await;
    // Every task delivered twice: still one distribution, one grant per bucket.
    for task in ["ValidateDistribution", "CreateDistribution", "GrantOriginAccess", "RecordDistribution"] {
        world.ok(task, &run, &input).await;
        world.ok(task, &run, &input).await;
    }
    world.memory.cdn.deploy_all();
    world.ok("MarkDeployed", &run, &input).await;
    let id: DistributionId = serde_json::from_value(input["distributionId"].clone()).unwrap();
    let made = world.memory.cdn.distributions();
    assert_eq!(made.len(), 1);
    let config = &made.values().next().unwrap().config;
    assert_eq!(config.origins.len(), 3);
    assert!(matches!(config.origins[2].access, OriginAccess::Custom(_)));
    assert_eq!(config.origin_groups.len(), 1);
    assert!(granted(&world, "primary-b", &id) && granted(&world, "backup-b", &id));
    for origin in [&primary, &backup, &api] {
        assert_eq!(users(&world, origin).await, std::slice::from_ref(&id), "every origin is reserved");
    }

    // Update: the backup bucket leaves (with the group that used it).
    let run = execution("update-distribution", "shrink");
    world.claim_distribution(&id, &run, "update-distribution").await;
    let patch = json!({"origins": [primary, api], "defaultOriginId": primary, "originGroups": []});
    let patch = serde_json::from_value::<cfm_domain::distribution::DistributionRequest>(patch).unwrap();
    let input = json!({"distributionId": id, "patch": patch.parse_patch().unwrap(), "request": request()});
    world.ok("ApplyDistributionUpdate", &run, &input).await;
    world.ok("ApplyDistributionUpdate", &run, &input).await;
    assert!(granted(&world, "backup-b", &id), "edges still on the old config read it until deployed");
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!(record.spec.origins, [primary.clone(), api.clone()]);
    assert_eq!(record.retiring, std::slice::from_ref(&backup));
    world.memory.cdn.deploy_all();
    world.ok("FinalizeDistributionUpdate", &run, &input).await;
    world.ok("FinalizeDistributionUpdate", &run, &input).await;
    assert!(!granted(&world, "backup-b", &id), "the removed bucket's grant is revoked");
    assert!(users(&world, &backup).await.is_empty());
    assert!(granted(&world, "primary-b", &id));
    assert!(world.record::<DistributionRecord>(id.as_str()).await.unwrap().retiring.is_empty());

    // Delete: every grant and reservation goes.
    let run = execution("delete-distribution", "gone");
    world.claim_distribution(&id, &run, "delete-distribution").await;
    let input = json!({"distributionId": id, "request": request()});
    world.ok("DisableDistribution", &run, &input).await;
    world.memory.cdn.deploy_all();
    world.ok("DeleteDistribution", &run, &input).await;
    assert!(!granted(&world, "primary-b", &id));
    for origin in [&primary, &api] {
        assert!(users(&world, origin).await.is_empty());
    }
}

#[tokio::test]
async fn a_failed_update_releases_the_origins_it_meant_to_add() {
    let world = World::new();
    let (id, origin) = world.deployed_distribution("first-b", json!({"name": "grow"})).await;
    let extra = world.active_origin("extra-b").await;
    let run = execution("update-distribution", "grow");
    world.claim_distribution(&id, &run, "update-distribution").await;
    // CloudFront's id lost from the record: the update fails after reserving the new origin.
    let now = world.memory.clock.now();
    let ports = world.memory.ports();
    let lose = |r: &mut DistributionRecord| {
        r.cloudfront = None;
        Ok::<_, Busy>(())
    };
    ports.records().update::<DistributionRecord, Busy>(id.as_str(), now, lose).await.unwrap();
    let patch = json!({"origins": [origin, extra]});
    let patch = serde_json::from_value::<cfm_domain::distribution::DistributionRequest>(patch).unwrap();
    let input = json!({"distributionId": id, "patch": patch.parse_patch().unwrap(), "request": request()});
    world.fails("ApplyDistributionUpdate", &run, &input).await;
    assert_eq!(users(&world, &extra).await, std::slice::from_ref(&id), "reserved before CloudFront was asked");
    let failed = with(&input, "failure", caught("cfm.Conflict", "no CloudFront distribution"));
    world.ok("RecordDistributionUpdateFailed", &run, &failed).await;
    assert!(users(&world, &extra).await.is_empty(), "released: the record does not name it");
    assert_eq!(users(&world, &origin).await, std::slice::from_ref(&id), "the origin it keeps stays reserved");
}

#[tokio::test]
async fn a_custom_origin_change_reaches_every_distribution_that_uses_it() {
    let world = World::new();
    let (bucket, api) = (world.active_origin("site-b").await, world.custom_origin("api.example.com").await);
    let run = execution("create-distribution", "uses-api");
    let input = world.creating_from(&run, json!({"name": "d", "origins": [bucket, api]})).await;
    world.deploy(&run, &input).await;

    // The API claims the origin and stages the new header values; the input hides them.
    let run = execution("update-origin", "rotate");
    world.claim_origin(&api, &run, "update-origin").await;
    let change = json!({"domainName": "api2.example.com", "customHeaders": {"X-Origin-Key": "rotated"}});
    let patch = serde_json::from_value::<cfm_domain::origin::OriginRequest>(change).unwrap().parse_patch().unwrap();
    let staged = patch.custom.custom_headers.clone();
    let ports = world.memory.ports();
    let stage = |r: &mut OriginRecord| {
        r.staged_headers = staged.clone();
        Ok::<_, Busy>(())
    };
    ports.records().update::<OriginRecord, Busy>(api.as_str(), world.memory.clock.now(), stage).await.unwrap();
    let input = json!({"originId": api, "patch": patch.redacted(), "request": request()});
    assert!(!input.to_string().contains("rotated"));
    world.ok("UpdateOrigin", &run, &input).await;

    let made = world.memory.cdn.distributions();
    let live = &made.values().next().unwrap().config.origins[1];
    assert_eq!(live.domain_name, "api2.example.com");
    let OriginAccess::Custom(custom) = &live.access else { panic!("a custom origin") };
    assert_eq!(custom.custom_headers.values().next().unwrap().expose(), "rotated", "CloudFront has the new secret");
    let record: OriginRecord = world.record(api.as_str()).await.unwrap();
    assert_eq!((record.status, record.staged_headers.as_ref()), (OriginStatus::Active, None));
}
