//! Plans: what a bulk operation would do to each distribution.

use serde_json::json;

use super::*;
use crate::claim::Claim;
use crate::distribution::{
    CloudFrontRef, DistributionDraft, DistributionRecord, DistributionRequest, DistributionSpec, DistributionStatus,
    TemplateRef,
};
use crate::values::{Checked, DistributionId, ExecutionArn, TemplateId, Timestamp};

const ORIGIN: &str = "org-0123456789abcdef";
const TEMPLATE: &str = "tmpl-0123456789abcdef";

fn now() -> Timestamp {
    Timestamp::at(chrono::Utc::now())
}

fn draft(json: serde_json::Value) -> DistributionDraft {
    serde_json::from_value::<DistributionRequest>(json).unwrap().parse().unwrap()
}

fn execution(name: &str) -> ExecutionArn {
    ExecutionArn::parse(&format!("arn:aws:states:us-east-1:123456789012:execution:m:{name}")).unwrap()
}

/// A deployed distribution, made from `TEMPLATE` version `version` when given.
fn deployed(settings: serde_json::Value, version: Option<u32>) -> DistributionRecord {
    let mut request = json!({"name": "d", "originId": ORIGIN});
    request.as_object_mut().unwrap().extend(settings.as_object().unwrap().clone());
    let spec = DistributionSpec::from_draft(&draft(request)).unwrap();
    let template = version.map(|version| TemplateRef { template_id: TemplateId::parse(TEMPLATE).unwrap(), version });
    let claim = Claim::new(&execution("create"), "create-distribution", now());
    let mut record = DistributionRecord::creating(DistributionId::generate(None), spec, template, claim, "me", now());
    record.meta.claim.release("arn:aws:states:us-east-1:123456789012:execution:m:create");
    record.status = DistributionStatus::Deployed;
    record.cloudfront = Some(CloudFrontRef {
        cloudfront_id: Checked::parse("E123").unwrap(),
        arn: Checked::parse("arn:aws:cloudfront::123456789012:distribution/E123").unwrap(),
        domain_name: "d1.cloudfront.net".into(),
    });
    record
}

fn update(patch: serde_json::Value) -> BulkAction {
    BulkAction::Update {
        patch: Box::new(serde_json::from_value::<DistributionRequest>(patch).unwrap().parse_patch().unwrap()),
    }
}

#[test]
fn an_update_plans_the_fields_it_changes() {
    let record = deployed(json!({"priceClass": "PriceClass_100"}), None);
    let plan = update(json!({"priceClass": "PriceClass_All", "compress": true})).plan(&record, &Versions::new());
    assert_eq!(plan, Plan::Act(vec!["priceClass".into()]));
    let same = update(json!({"priceClass": "PriceClass_100"})).plan(&record, &Versions::new());
    assert!(matches!(same, Plan::Skip(why) if why.starts_with("no change")));
}

#[test]
fn busy_failed_and_invalid_are_not_started() {
    let mut busy = deployed(json!({}), None);
    busy.meta.claim = crate::claim::ClaimSlot::held(Claim::new(&execution("u1"), "update-distribution", now()));
    busy.status = DistributionStatus::Updating;
    let enable = update(json!({"enabled": false}));
    assert!(matches!(enable.plan(&busy, &Versions::new()), Plan::Skip(why) if why.contains("update-distribution u1")));
    let mut failed = deployed(json!({}), None);
    failed.status = DistributionStatus::Failed;
    assert!(matches!(enable.plan(&failed, &Versions::new()), Plan::Skip(why) if why.contains("FAILED")));
    let invalidate = BulkAction::Invalidate { paths: vec![Checked::parse("/a").unwrap()] };
    assert!(matches!(invalidate.plan(&failed, &Versions::new()), Plan::Skip(_)));
    assert_eq!(invalidate.plan(&deployed(json!({}), None), &Versions::new()), Plan::Act(vec![]));
    // Aliases without a certificate do not hold together for this distribution.
    let aliases = update(json!({"aliases": ["www.example.com"]}));
    assert!(
        matches!(aliases.plan(&deployed(json!({}), None), &Versions::new()), Plan::Invalid(why) if why.contains("aliases"))
    );
}

#[test]
fn a_rollout_changes_only_what_the_version_changed() {
    let v1 = draft(json!({"priceClass": "PriceClass_100", "compress": true}));
    let v2 = draft(json!({"priceClass": "PriceClass_200", "compress": true, "httpVersion": "http2"}));
    let versions = Versions::from([(1, v1), (2, v2)]);
    // Made from version 1 with its own compress override: the rollout leaves that alone.
    let record = deployed(json!({"priceClass": "PriceClass_100", "compress": false}), Some(1));
    let rollout = BulkAction::Rollout { template_id: TemplateId::parse(TEMPLATE).unwrap(), version: 2 };
    assert_eq!(rollout.plan(&record, &versions), Plan::Act(vec!["httpVersion".into(), "priceClass".into()]));
    let patch = rollout.patch_for(&record, &versions).unwrap();
    assert_eq!(patch.set_fields(), ["httpVersion", "priceClass"]);
    let current = deployed(json!({}), Some(2));
    assert!(matches!(rollout.plan(&current, &versions), Plan::Skip(why) if why == "already at version 2"));
    let other = deployed(json!({}), None);
    assert!(matches!(rollout.plan(&other, &versions), Plan::Skip(why) if why.starts_with("not made from")));
    let missing = BulkAction::Rollout { template_id: TemplateId::parse(TEMPLATE).unwrap(), version: 3 };
    assert!(matches!(missing.plan(&record, &versions), Plan::Invalid(_)));
}
