//! Large fleets, seeded straight into the local cloud and the table rather than through
//! thousands of create workflows: for the fleet tests and the benchmarks.

use cfm_domain::claim::Claim;
use cfm_domain::distribution::{
    CdnConfig, DeployStatus, DistributionRecord, DistributionRequest, DistributionStatus, tags,
};
use cfm_domain::origin::OriginRecord;
use cfm_domain::record::Claimed;
use cfm_domain::values::{DistributionId, ExecutionArn};
use serde_json::{Value, json};

use crate::TestStack;

/// An active S3 origin made through `create-origin`, as its record: what a seeded fleet serves
/// from (reconcile's drift check reads it).
pub async fn origin(t: &TestStack) -> OriginRecord {
    let id = t.origin("us-east-1").await;
    t.ports().records().get(&id).await.unwrap().expect("the origin's record")
}

/// Seeds `count` deployed distributions over `origin` with `tags`, in CloudFront and in the
/// table, as create-distribution would have left them.
pub async fn seed(t: &TestStack, origin: &OriginRecord, count: usize, tags_of_each: Value) -> Vec<DistributionId> {
    let ports = t.ports();
    let request: DistributionRequest =
        serde_json::from_value(json!({"name": "fleet", "originId": origin.id, "tags": tags_of_each})).unwrap();
    let spec = request.parse_create().unwrap();
    let config = CdnConfig::desired(&spec, std::slice::from_ref(origin), &[]).unwrap();
    let seeder = ExecutionArn::of(&t.stack.resources().machines["create-distribution"], "seed");
    let mut ids = Vec::with_capacity(count);
    for _ in 0..count {
        let id = DistributionId::generate(None);
        let made = ports.cdn.create_distribution(&config, &format!("seed-{id}"), &tags(&spec, &id)).await.unwrap();
        let now = ports.clock.now();
        let claim = Claim::new(&seeder, "create-distribution", now);
        let mut record = DistributionRecord::creating(id.clone(), spec.clone(), None, claim, "seed", now);
        record.cloudfront = Some(made);
        record.cloudfront_status = Some(DeployStatus::Deployed);
        record.finish(seeder.as_str(), DistributionStatus::Deployed).unwrap();
        ports.records().create(&record).await.unwrap().unwrap();
        ids.push(id);
    }
    ids
}
