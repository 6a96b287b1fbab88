//! CloudFront Functions through cfm's CloudFront adapter on the local cloud: published LIVE,
//! associated with a distribution's default behaviour on viewer request, refused deletion while
//! associated, deleted once not. moto has no UpdateFunction or PublishFunction, ignores stages,
//! allows deleting a function in use and drops associations: these rely on cfm's extension of
//! the local cloud (`localcloud/python/cfm_moto/functions.py`).

use cfm_domain::distribution::{CdnConfig, DistributionRecord, EdgeAssociation};
use cfm_domain::edge::RoutingMode;
use cfm_domain::origin::OriginRecord;
use cfm_e2e::{TestStack, unique_bucket};
use cfm_ports::cdn::{Applied, CdnChange, FunctionDeletion};
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_is_published_associated_kept_while_in_use_and_deleted_after() {
    let t = TestStack::default().await;
    let cdn = t.ports().cdn;
    let name = format!("cfm-{}", unique_bucket("fn"));
    let first = "function handler(event) { return event.request; }";
    let arn = cdn.publish_function(&name, "routing", first).await.unwrap();
    assert!(arn.ends_with(&format!("function/{name}")), "{arn}");
    let second = "function handler(event) { var r = event.request; return r; }";
    assert_eq!(cdn.publish_function(&name, "routing", second).await.unwrap(), arn, "the same function, updated");
    assert_eq!(cdn.live_function(&name).await.unwrap().as_deref(), Some(second), "LIVE runs the new code");

    let origin = t.origin("eu-west-1").await;
    let (accepted, view) =
        t.run(Method::POST, "/distributions", Some(&json!({"name": "routed", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let ports = t.ports();
    let records = ports.records();
    let record: DistributionRecord = records.get(id).await.unwrap().unwrap();
    let origins: Vec<OriginRecord> = vec![records.get(&origin).await.unwrap().unwrap()];
    let cloudfront = record.cloudfront_id().unwrap().clone();
    let mut desired = CdnConfig::desired(&record.spec, &origins, &[]).unwrap();
    desired.default_behavior.edge = Some(EdgeAssociation { mode: RoutingMode::CloudFrontFunction, arn: arn.clone() });
    let routed = CdnChange::Settings(Box::new(desired.clone()));
    assert_eq!(cdn.update_distribution(&cloudfront, &routed).await.unwrap(), Applied::Changed);
    let got = t.aws.cloudfront().get_distribution_config().id(cloudfront.as_str()).send().await.unwrap();
    let behaviour = got.distribution_config().unwrap().default_cache_behavior().unwrap();
    let associations = behaviour.function_associations().unwrap().items();
    assert_eq!(associations.len(), 1);
    assert_eq!(
        (associations[0].function_arn(), associations[0].event_type().as_str()),
        (arn.as_str(), "viewer-request")
    );
    assert_eq!(cdn.delete_function(&name).await.unwrap(), FunctionDeletion::InUse, "associated");

    desired.default_behavior.edge = None;
    cdn.update_distribution(&cloudfront, &CdnChange::Settings(Box::new(desired))).await.unwrap();
    let got = t.aws.cloudfront().get_distribution_config().id(cloudfront.as_str()).send().await.unwrap();
    let behaviour = got.distribution_config().unwrap().default_cache_behavior().unwrap();
    assert_eq!(behaviour.function_associations().map_or(0, |a| a.quantity()), 0, "cfm's association goes");
    assert_eq!(cdn.delete_function(&name).await.unwrap(), FunctionDeletion::Deleted);
    assert_eq!(cdn.delete_function(&name).await.unwrap(), FunctionDeletion::Deleted, "gone is gone");
    assert_eq!(cdn.live_function(&name).await.unwrap(), None);
}
