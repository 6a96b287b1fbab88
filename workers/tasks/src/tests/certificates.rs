//! `request-certificate` and `certificate-expiry`.

use cfm_domain::certificate::{Certificate, CertificateStatus};
use cfm_domain::values::{CertificateArn, Checked, Timestamp};
use cfm_events::ErrorName;
use serde_json::json;

use super::{World, execution, request, with};

#[tokio::test]
async fn a_request_is_made_once_per_execution_and_waits_for_validation() {
    let world = World::new();
    let run = execution("request-certificate", "c1");
    let input = json!({"certificate": {"domainName": "cdn.example.com"}, "request": request()});
    let requested = world.ok("RequestCertificate", &run, &input).await.output;
    assert_eq!(world.ok("RequestCertificate", &run, &input).await.output, requested);
    let input = with(&input, "requested", requested.clone());
    assert_eq!(world.fails("PublishValidationRecords", &run, &input).await.0, ErrorName::Transient, "no records yet");

    let poll = json!({"base": 1, "seconds": 1, "attempt": 0, "done": false});
    let check = with(&input, "poll", poll);
    assert_eq!(world.ok("CheckCertificate", &run, &check).await.output["done"], false);
    let arn = CertificateArn::parse(requested["certificateArn"].as_str().unwrap()).unwrap();
    let mut certificate =
        cfm_ports::Certificates::certificate(world.memory.certificates.as_ref(), &arn).await.unwrap().unwrap();
    certificate.status = CertificateStatus::ValidationTimedOut;
    world.memory.certificates.put(certificate);
    assert_eq!(world.fails("CheckCertificate", &run, &check).await.0, ErrorName::Validation);
}

#[tokio::test]
async fn expiry_is_announced_once_per_threshold() {
    let world = World::new();
    let at = |s: &str| serde_json::from_value::<Timestamp>(json!(s)).unwrap();
    world.memory.certificates.put(Certificate {
        arn: CertificateArn::parse("arn:aws:acm:us-east-1:123456789012:certificate/soon").unwrap(),
        domain_name: "cdn.example.com".into(),
        domains: vec!["cdn.example.com".into()],
        status: CertificateStatus::Issued,
        r#type: None,
        not_after: Some(at("2026-07-01T00:00:00Z")),
        in_use_by: vec![],
        validation_records: vec![],
        failure_reason: None,
    });
    let announced = |n: u64| json!({"events": n});
    let check = |now: &str| json!({"now": now});
    let run = execution("certificate-expiry", "e1");
    assert_eq!(world.ok("CheckCertificateExpiry", &run, &check("2026-05-01T00:00:00Z")).await.output, announced(0));
    assert_eq!(world.ok("CheckCertificateExpiry", &run, &check("2026-06-05T00:00:00Z")).await.output, announced(1));
    assert_eq!(world.ok("CheckCertificateExpiry", &run, &check("2026-06-06T00:00:00Z")).await.output, announced(0));
    assert_eq!(world.ok("CheckCertificateExpiry", &run, &check("2026-06-20T00:00:00Z")).await.output, announced(1));
    assert_eq!(world.ok("CheckCertificateExpiry", &run, &check("2026-07-02T00:00:00Z")).await.output, announced(1));
    assert_eq!(
        world.memory.events.detail_types(),
        ["CertificateExpiring", "CertificateExpiring", "CertificateExpired"]
    );
}
