//! A distribution's alias records in Route 53 and its 5xx alarm in CloudWatch, kept in line
//! with its spec by `SyncAliasRecordsAndAlarm` through create, update and delete.

use cfm_domain::certificate::CertificateStatus;
use cfm_domain::distribution::DistributionRecord;
use cfm_domain::dns::RecordSet;
use cfm_domain::fixtures;
use serde_json::{Value, json};

use super::{ACCOUNT, World, caught, execution, request, with};

const ZONE: &str = "ZEXAMPLE";
const FOREIGN: &str = "d999.cloudfront.net";

/// A world with the zone `example.com`, a CNAME and a foreign alias in it, and a certificate
/// for every alias the tests use; returns the spec fields for that certificate.
fn world_with_zone() -> (World, Value) {
    let world = World::new();
    world.memory.dns.add_zone(ZONE, "example.com.");
    world.memory.dns.put_set(ZONE, "cname.example.com.", "CNAME", None);
    world.memory.dns.put_set(ZONE, "taken.example.com.", "A", Some(FOREIGN));
    let arn = format!("arn:aws:acm:us-east-1:{ACCOUNT}:certificate/dns");
    let domains = ["*.example.com", "www.example.org"];
    world.memory.certificates.put(fixtures::certificate(&arn, &domains, CertificateStatus::Issued));
    (world, json!({"certificateArn": arn}))
}

/// The record sets in the zone: name, type and what it aliases (sorted).
fn sets(world: &World) -> Vec<(String, String, Option<String>)> {
    let mut sets: Vec<_> = world
        .memory
        .dns
        .sets(ZONE)
        .into_iter()
        .map(|RecordSet { name, r#type, alias_target }| (name, r#type, alias_target))
        .collect();
    sets.sort();
    sets
}

/// The sets the zone should hold: aliases to `domain` at `names`, and the foreign two.
fn expected(domain: &str, names: &[&str]) -> Vec<(String, String, Option<String>)> {
    let mut expected: Vec<_> = names
        .iter()
        .flat_map(|n| ["A", "AAAA"].map(|t| (n.to_string(), t.to_string(), Some(domain.to_owned()))))
        .chain([
            ("cname.example.com".into(), "CNAME".into(), None),
            ("taken.example.com".into(), "A".into(), Some(FOREIGN.into())),
        ])
        .collect();
    expected.sort();
    expected
}

#[tokio::test]
async fn alias_records_and_the_alarm_follow_the_distribution_and_leave_foreign_records_alone() {
    let (world, mut spec) = world_with_zone();
    spec["name"] = json!("dns");
    spec["aliases"] = json!(["www.example.com", "cname.example.com", "taken.example.com", "www.example.org"]);
    spec["createAliasRecords"] = json!(true);
    spec["alarms"] = json!({"errorRate5xxPercent": 5});
    let (id, _) = world.deployed_distribution("dns-bucket", spec).await;
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    let domain = record.cloudfront.as_ref().unwrap().domain_name.clone();
    assert_eq!(sets(&world), expected(&domain, &["www.example.com"]), "the CNAME and the foreign alias stay");
    assert_eq!(record.alias_records.iter().map(|h| h.as_str()).collect::<Vec<_>>(), ["www.example.com"]);
    let alarm = format!("cfm-{id}-5xx-error-rate");
    assert_eq!(world.memory.metrics.alarms().get(&alarm).map(|(_, t)| *t), Some(5.0));

    // Synced again (an update changing none of it): the same records, no alarm change announced.
    let run = execution("update-distribution", "dns-again");
    let input = json!({"distributionId": id, "request": request()});
    world.claim_distribution(&id, &run, "update-distribution").await;
    let again = world.ok("SyncAliasRecordsAndAlarm", &run, &input).await;
    assert_eq!(sets(&world), expected(&domain, &["www.example.com"]));
    let types: Vec<_> = again.events.iter().map(|e| e.detail_type).collect();
    assert_eq!(types, ["DistributionDnsUpdated"], "only the names left alone are announced again");
    let left: Vec<_> = again.events[0].detail["data"]["leftAlone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(left, ["cname.example.com", "taken.example.com", "www.example.org"]);
    assert_eq!(again.events[0].detail["data"]["upserted"], Value::Null);
    world.ok("FinalizeDistributionUpdate", &run, &with(&input, "patch", json!({}))).await;

    // An update moves the records to the new alias and removes the alarm.
    let run = execution("update-distribution", "dns-u1");
    world.claim_distribution(&id, &run, "update-distribution").await;
    let patch = json!({"aliases": ["api.example.com"], "alarms": null});
    let input = json!({"distributionId": id, "patch": patch, "request": request()});
    world.ok("ApplyDistributionUpdate", &run, &input).await;
    world.memory.cdn.deploy_all();
    let synced = world.ok("SyncAliasRecordsAndAlarm", &run, &input).await;
    assert_eq!(sets(&world), expected(&domain, &["api.example.com"]));
    assert_eq!(synced.events[0].detail["data"]["upserted"], json!(["api.example.com"]));
    assert_eq!(synced.events[0].detail["data"]["removed"], json!(["www.example.com"]));
    assert_eq!(synced.events[1].detail["data"], json!({"distributionId": id, "alarmName": alarm}));
    assert!(world.memory.metrics.alarms().is_empty());
    world.ok("FinalizeDistributionUpdate", &run, &input).await;

    // Deleting it removes what cfm made, and nothing else.
    let run = execution("delete-distribution", "dns-d1");
    world.claim_distribution(&id, &run, "delete-distribution").await;
    let input = json!({"distributionId": id, "request": request()});
    let removed = world.ok("SyncAliasRecordsAndAlarm", &run, &input).await;
    assert_eq!(removed.events[0].detail["data"]["removed"], json!(["api.example.com"]));
    assert_eq!(sets(&world), expected(&domain, &[]));
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert!(record.alias_records.is_empty());
}

#[tokio::test]
async fn compensation_removes_the_records_and_the_alarm_it_made() {
    let (world, mut spec) = world_with_zone();
    spec["name"] = json!("comp-dns");
    spec["aliases"] = json!(["shop.example.com"]);
    spec["createAliasRecords"] = json!(true);
    spec["alarms"] = json!({"errorRate5xxPercent": 1.5});
    let origin = world.active_origin("comp-dns-bucket").await;
    let run = execution("create-distribution", "comp-dns");
    let input = world.creating_distribution(&run, &origin, spec).await;
    world.create_until_deploying(&run, &input).await;
    assert_eq!(world.memory.dns.sets(ZONE).len(), 4, "two aliases beside the two foreign records");
    assert_eq!(world.memory.metrics.alarms().len(), 1);

    let failed = with(&input, "failure", caught("cfm.Internal", "the deployment broke"));
    let out = world.ok("CompensateDistribution", &run, &failed).await;
    let types: Vec<_> = out.events.iter().map(|e| e.detail_type).collect();
    assert_eq!(types, ["DistributionDnsUpdated", "DistributionAlarmChanged"]);
    assert_eq!(world.memory.dns.sets(ZONE).len(), 2, "only the foreign records are left");
    assert!(world.memory.metrics.alarms().is_empty());
    // Delivered again: nothing left to remove.
    assert!(world.ok("CompensateDistribution", &run, &failed).await.events.is_empty());
}

#[tokio::test]
async fn without_aliases_or_alarms_route53_is_never_asked() {
    let world = World::new();
    world.memory.dns.faults.fail("zones", cfm_ports::ErrorKind::Unavailable);
    let (id, _) = world.deployed_distribution("plain-bucket", json!({"name": "plain"})).await;
    let record: DistributionRecord = world.record(id.as_str()).await.unwrap();
    assert!(record.alias_records.is_empty());
}
