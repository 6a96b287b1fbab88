//! Ready-made records for tests (here and, with the `fixtures` feature, in other crates).

use crate::certificate::{Certificate, CertificateStatus};
use crate::claim::Claim;
use crate::origin::{OriginRecord, OriginRequest, OriginStatus};
use crate::policy::{PolicyId, PolicyRecord, PolicyRequest, PolicyStatus};
use crate::record::Claimed;
use crate::values::{CertificateArn, Checked, ExecutionArn, OacId, OriginId, Timestamp};

/// An active origin with `id`, made from an origin request's JSON; an S3 one has an OAC.
pub fn origin(id: &str, request: serde_json::Value) -> OriginRecord {
    let spec = serde_json::from_value::<OriginRequest>(request).unwrap().parse().unwrap();
    let arn = ExecutionArn::of("arn:aws:states:us-east-1:123456789012:stateMachine:m", "create-origin.x");
    let now = Timestamp::at(chrono::Utc::now());
    let claim = Claim::new(&arn, "create-origin", now);
    let mut record = OriginRecord::creating(OriginId::parse(id).unwrap(), &spec, claim, "me", now);
    record.finish(arn.as_str(), OriginStatus::Active).unwrap();
    if record.kind.bucket().is_some() {
        record.oac_id = Some(OacId::parse("E2OACEXAMPLE").unwrap());
    }
    record
}

/// An active S3 origin with `id` over bucket `name` in `region`.
pub fn bucket(id: &str, name: &str, region: &str) -> OriginRecord {
    origin(id, serde_json::json!({"name": name, "bucketName": name, "region": region}))
}

/// An active custom origin with `id` at `domain`, sending one secret header.
pub fn custom(id: &str, domain: &str) -> OriginRecord {
    let request = serde_json::json!({"type": "custom", "name": domain, "domainName": domain,
        "customHeaders": {"X-Origin-Key": "s3cr3t"}});
    origin(id, request)
}

/// An active cfm policy with `id` (its prefix says the kind), made from a policy request's
/// JSON, known to CloudFront as `cloudfront_id`.
pub fn policy(id: &str, cloudfront_id: &str, request: serde_json::Value) -> PolicyRecord {
    let id = PolicyId::parse(id).unwrap();
    let spec = serde_json::from_value::<PolicyRequest>(request).unwrap().parse(id.kind()).unwrap();
    let arn = ExecutionArn::of("arn:aws:states:us-east-1:123456789012:stateMachine:m", "create-policy.x");
    let now = Timestamp::at(chrono::Utc::now());
    let mut record = PolicyRecord::creating(id, &spec, Claim::new(&arn, "create-policy", now), "me", now);
    record.cloudfront_id = Some(cloudfront_id.to_owned());
    record.finish(arn.as_str(), PolicyStatus::Active).unwrap();
    record
}

/// An ACM certificate `arn` in `status` covering `domains` (the first is its domain name).
pub fn certificate(arn: &str, domains: &[&str], status: CertificateStatus) -> Certificate {
    Certificate {
        arn: CertificateArn::parse(arn).unwrap(),
        domain_name: domains[0].to_owned(),
        domains: domains.iter().map(|d| (*d).to_owned()).collect(),
        status,
        r#type: None,
        not_after: None,
        in_use_by: vec![],
        validation_records: vec![],
        failure_reason: None,
    }
}
