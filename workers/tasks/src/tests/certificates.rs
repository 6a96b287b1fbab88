//! `request-certificate` and `certificate-expiry`.

use cfm_domain::certificate::{Certificate, CertificateStatus, ValidationRecord};
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

/// A requested certificate for `domains`, with ACM's validation records filled in.
async fn requested(
    world: &World,
    run: &cfm_domain::values::ExecutionArn,
    domains: &[&str],
    zone: Option<&str>,
) -> serde_json::Value {
    let mut certificate = json!({"domainName": domains[0], "subjectAlternativeNames": &domains[1..]});
    if let Some(zone) = zone {
        certificate["hostedZoneId"] = json!(zone);
    }
    let input = json!({"certificate": certificate, "request": request()});
    let requested = world.ok("RequestCertificate", run, &input).await.output;
    let arn = CertificateArn::parse(requested["certificateArn"].as_str().unwrap()).unwrap();
    let mut made =
        cfm_ports::Certificates::certificate(world.memory.certificates.as_ref(), &arn).await.unwrap().unwrap();
    made.validation_records = domains
        .iter()
        .map(|d| {
            let apex = d.trim_start_matches("*.");
            ValidationRecord {
                domain_name: (*d).into(),
                name: format!("_v.{apex}."),
                r#type: "CNAME".into(),
                value: format!("_x.{apex}.acm-validations.aws."),
            }
        })
        .collect();
    world.memory.certificates.put(made);
    with(&input, "requested", requested)
}

#[tokio::test]
async fn validation_records_go_into_the_zone_each_domain_falls_in_and_the_rest_are_announced() {
    let world = World::new();
    world.memory.dns.add_zone("ZSHOP", "shop.example.com.");
    world.memory.dns.add_zone("ZEXAMPLE", "example.com.");
    let run = execution("request-certificate", "dns");
    let domains = ["www.shop.example.com", "*.example.com", "example.com", "www.elsewhere.org"];
    let input = requested(&world, &run, &domains, None).await;
    let out = world.ok("PublishValidationRecords", &run, &input).await;
    let again = world.ok("PublishValidationRecords", &run, &input).await;
    assert_eq!(
        out.events.iter().map(|e| &e.detail["metadata"]["id"]).collect::<Vec<_>>(),
        again.events.iter().map(|e| &e.detail["metadata"]["id"]).collect::<Vec<_>>(),
        "a repeat announces the same"
    );
    let types: Vec<_> = out.events.iter().map(|e| e.detail_type).collect();
    assert_eq!(
        types,
        ["CertificateValidationRecordsCreated", "CertificateValidationRecordsCreated", "CertificateValidationRequired"]
    );
    assert_eq!(world.memory.dns.records("ZSHOP").keys().collect::<Vec<_>>(), ["_v.www.shop.example.com."]);
    assert_eq!(
        world.memory.dns.records("ZEXAMPLE").keys().collect::<Vec<_>>(),
        ["_v.example.com."],
        "the wildcard and its apex share one record, written once"
    );
    let left = &out.events[2].detail["data"]["records"];
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["domainName"], "www.elsewhere.org", "a domain outside every zone is announced");
    assert_eq!(out.output["toCreate"][0]["name"], "_v.www.elsewhere.org.");
}

#[tokio::test]
async fn a_named_zone_is_used_and_one_the_account_lacks_is_refused() {
    let world = World::new();
    world.memory.dns.add_zone("ZSHOP", "shop.example.com.");
    world.memory.dns.add_zone("ZEXAMPLE", "example.com.");
    let run = execution("request-certificate", "named");
    let input = requested(&world, &run, &["www.shop.example.com"], Some("ZEXAMPLE")).await;
    let out = world.ok("PublishValidationRecords", &run, &input).await;
    assert_eq!(out.events[0].detail["data"]["hostedZoneId"], "ZEXAMPLE", "the named zone, not the longest");
    assert!(world.memory.dns.records("ZSHOP").is_empty());
    let run = execution("request-certificate", "missing");
    let input = requested(&world, &run, &["www.shop.example.com"], Some("ZNOPE")).await;
    let (error, message) = world.fails("PublishValidationRecords", &run, &input).await;
    assert_eq!(error, ErrorName::Validation);
    assert!(message.contains("ZNOPE"), "{message}");
}
