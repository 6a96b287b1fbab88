//! `create-distribution`, `update-distribution`, `delete-distribution`,
//! `invalidate-distribution`.

use cfm_domain::certificate::{Certificate, CertificateStatus};
use cfm_domain::distribution::{DeployStatus, DistributionRecord, DistributionStatus};
use cfm_domain::origin::OriginRecord;
use cfm_events::ErrorName;
use serde_json::{Value, json};

use super::{World, caught, execution, request, with};

fn poll() -> Value {
    json!({"base": 1, "seconds": 1, "attempt": 0, "done": false})
}

fn certificate(account: &str, status: CertificateStatus) -> Certificate {
    let arn = format!("arn:aws:acm:us-east-1:{account}:certificate/c1");
    cfm_domain::fixtures::certificate(&arn, &["*.example.com"], status)
}

#[tokio::test]
async fn create_distribution_serves_the_origin_it_reserved_and_a_redelivery_makes_no_second() {
    let world = World::new();
    let (id, origin) = world.deployed_distribution("site-bucket", json!({"name": "site"})).await;
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!((record.status, record.cloudfront_status), (DistributionStatus::Deployed, Some(DeployStatus::Deployed)));
    let origin: OriginRecord = world.record(origin.as_str()).await.unwrap();
    assert_eq!(origin.distributions, std::slice::from_ref(&id), "the origin is reserved");
    let policy = world.memory.buckets.get("site-bucket").unwrap().policy.unwrap();
    assert!(policy.contains(record.cloudfront.as_ref().unwrap().arn.as_str()), "{policy}");

    // CreateDistribution delivered again: the caller reference finds the one already made.
    let run = execution("create-distribution", "make-site-bucket");
    let input = json!({"distributionId": id, "spec": record.spec, "request": request()});
    assert_eq!(world.fails("CreateDistribution", &run, &input).await.0, ErrorName::Conflict, "the claim is over");
    assert_eq!(world.memory.cdn.distributions().len(), 1);
}

#[tokio::test]
async fn validation_refuses_a_certificate_that_cannot_serve() {
    let world = World::new();
    let origin = world.active_origin("tls-bucket").await;
    for (cert, expected) in [
        (certificate("999999999999", CertificateStatus::Issued), "belongs to account 999999999999"),
        (certificate(super::ACCOUNT, CertificateStatus::PendingValidation), "not ISSUED"),
    ] {
        world.memory.certificates.put(cert.clone());
        let run = execution("create-distribution", &format!("tls-{}", cert.arn.account()));
        let spec = json!({"name": "tls", "aliases": ["cdn.example.com"], "certificateArn": cert.arn});
        let input = world.creating_distribution(&run, &origin, spec).await;
        let (name, message) = world.fails("ValidateDistribution", &run, &input).await;
        assert_eq!(name, ErrorName::Validation);
        assert!(message.contains(expected), "{message}");
    }
    let record: OriginRecord = world.record(origin.as_str()).await.unwrap();
    assert!(record.distributions.is_empty(), "nothing was reserved");
}

#[tokio::test]
async fn compensation_disables_then_deletes_what_it_made_and_records_the_failure() {
    let world = World::new();
    let origin = world.active_origin("comp-bucket").await;
    let run = execution("create-distribution", "c1");
    let input = world.creating_distribution(&run, &origin, json!({"name": "comp"})).await;
    world.ok("ValidateDistribution", &run, &input).await;
    world.ok("CreateDistribution", &run, &input).await;
    world.ok("GrantOriginAccess", &run, &input).await;

    let failed = with(&input, "failure", caught("cfm.Internal", "RecordDistribution broke"));
    world.ok("CompensateDistribution", &run, &failed).await;
    let origin_record: OriginRecord = world.record(origin.as_str()).await.unwrap();
    assert!(origin_record.distributions.is_empty(), "the reservation is released");
    let policy = world.memory.buckets.get("comp-bucket").unwrap().policy;
    assert!(policy.is_none_or(|p| !p.contains("cloudfront")), "the grant is revoked");
    let (_, made) = world.memory.cdn.distributions().into_iter().next().unwrap();
    assert!(!made.config.enabled);

    let (name, _) = world.fails("FinishDistributionCompensation", &run, &failed).await;
    assert_eq!(name, ErrorName::Transient, "CloudFront deletes only a deployed, disabled distribution");
    world.memory.cdn.deploy_all();
    world.ok("FinishDistributionCompensation", &run, &failed).await;
    assert!(world.memory.cdn.distributions().is_empty());
    world.ok("RecordDistributionCreateFailed", &run, &failed).await;
    let id = input["distributionId"].as_str().unwrap();
    let record: DistributionRecord = world.record(id).await.unwrap();
    assert_eq!(record.status, DistributionStatus::Failed);
    assert!(record.cloudfront.is_none() && !record.meta.claim.is_held());
    assert_eq!(record.meta.last_error.unwrap().cause, "RecordDistribution broke");
}

#[tokio::test]
async fn update_applies_the_merged_spec_and_a_failure_follows_cloudfront() {
    let world = World::new();
    let (id, _) = world.deployed_distribution("upd-bucket", json!({"name": "upd"})).await;
    let run = execution("update-distribution", "u1");
    world.claim_distribution(&id, &run, "update-distribution").await;
    let input = json!({"distributionId": id, "patch": {"priceClass": "PriceClass_All", "comment": "new"}, "request": request()});
    world.ok("ApplyDistributionUpdate", &run, &input).await;
    let (_, live) = world.memory.cdn.distributions().into_iter().next().unwrap();
    assert_eq!((live.config.comment.as_str(), live.status), ("new", DeployStatus::InProgress));
    world.memory.cdn.deploy_all();
    let out = world.ok("FinalizeDistributionUpdate", &run, &input).await;
    assert_eq!(out.events[0].detail["data"]["changed"], json!(["comment", "priceClass"]));
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!((record.status, record.spec.comment.unwrap().as_str()), (DistributionStatus::Deployed, "new"));

    let run = execution("update-distribution", "u2");
    world.claim_distribution(&id, &run, "update-distribution").await;
    world.ok("RecordDistributionUpdateFailed", &run, &with(&input, "failure", caught("cfm.Validation", "no"))).await;
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert_eq!(record.status, DistributionStatus::Deployed, "CloudFront shows it deployed");
    assert!(!record.meta.claim.is_held());
}

#[tokio::test]
async fn delete_waits_for_the_disabled_distribution_then_releases_the_origin() {
    let world = World::new();
    let (id, origin) = world.deployed_distribution("del-bucket", json!({"name": "del"})).await;
    let run = execution("delete-distribution", "d1");
    world.claim_distribution(&id, &run, "delete-distribution").await;
    let input = json!({"distributionId": id, "request": request()});
    world.ok("DisableDistribution", &run, &input).await;
    assert_eq!(world.fails("DeleteDistribution", &run, &input).await.0, ErrorName::Transient);
    world.memory.cdn.deploy_all();
    let out = world.ok("DeleteDistribution", &run, &input).await;
    assert_eq!(out.events[0].detail_type, "DistributionDeleted");
    assert!(world.record::<DistributionRecord>(id.as_str()).await.is_none());
    assert!(world.memory.cdn.distributions().is_empty());
    let origin: OriginRecord = world.record(origin.as_str()).await.unwrap();
    assert!(origin.distributions.is_empty());
    // Delivered again after it finished: nothing left to do, the same announcement.
    assert_eq!(world.ok("DeleteDistribution", &run, &input).await.events[0].detail_type, "DistributionDeleted");
}

#[tokio::test]
async fn one_invalidation_per_execution_however_often_it_is_delivered() {
    let world = World::new();
    let (id, _) = world.deployed_distribution("inv-bucket", json!({"name": "inv"})).await;
    let run = execution("invalidate-distribution", "i1");
    let input = json!({"distributionId": id, "paths": ["/index.html"], "request": request()});
    let first = world.ok("CreateInvalidation", &run, &input).await.output;
    let again = world.ok("CreateInvalidation", &run, &input).await.output;
    assert_eq!(first, again);
    let other = world.ok("CreateInvalidation", &execution("invalidate-distribution", "i2"), &input).await.output;
    assert_ne!(first, other, "another execution is another invalidation");

    let checked =
        world.ok("CheckInvalidation", &run, &with(&with(&input, "invalidation", first.clone()), "poll", poll())).await;
    assert_eq!(checked.output["done"], true);
    let done = world.ok("FinalizeInvalidation", &run, &with(&input, "invalidation", first)).await;
    assert_eq!(done.events[0].detail_type, "InvalidationCompleted");
}

#[tokio::test]
async fn the_deployment_poll_backs_off_until_cloudfront_is_deployed() {
    let world = World::new();
    let origin = world.active_origin("poll-bucket").await;
    let run = execution("create-distribution", "p1");
    let input = world.creating_distribution(&run, &origin, json!({"name": "poll"})).await;
    world.ok("ValidateDistribution", &run, &input).await;
    world.ok("CreateDistribution", &run, &input).await;
    world.ok("CreateDistribution", &run, &input).await;
    assert_eq!(world.memory.cdn.distributions().len(), 1, "a redelivery finds the one made");
    let check = with(&input, "poll", poll());
    let waiting = world.ok("CheckDeployment", &run, &check).await.output;
    assert_eq!((waiting["done"].clone(), waiting["seconds"].clone()), (json!(false), json!(2)));
    world.memory.cdn.deploy_all();
    assert_eq!(world.ok("CheckDeployment", &run, &with(&input, "poll", waiting)).await.output["done"], true);
}
