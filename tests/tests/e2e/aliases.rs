//! A distribution's Route 53 alias records and its 5xx alarm on the local cloud: made with the
//! distribution (over a certificate DNS-validated in the same zone), moved by an update, removed
//! by its delete, every task delivered twice; a record cfm did not make is left alone.

use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType};
use cfm_e2e::{TestStack, unique_bucket};
use cfm_localcloud::StackOptions;
use reqwest::Method;
use serde_json::{Value, json};

use crate::delivery::deliver_twice;

/// `(name, type, alias target)` of every A, AAAA and CNAME set in `zone`, sorted.
async fn sets(t: &TestStack, zone: &str) -> Vec<(String, String, Option<String>)> {
    let out = t.aws.route53().list_resource_record_sets().hosted_zone_id(zone).send().await.unwrap();
    let mut sets: Vec<_> = out
        .resource_record_sets()
        .iter()
        .filter(|s| ["A", "AAAA"].contains(&s.r#type().as_str()) || s.name().starts_with("legacy."))
        .map(|s| {
            let target = s.alias_target().map(|a| a.dns_name().trim_end_matches('.').to_owned());
            (s.name().trim_end_matches('.').to_owned(), s.r#type().as_str().to_owned(), target)
        })
        .collect();
    sets.sort();
    sets
}

/// The alias sets `names` should have, pointing at `domain`, beside the foreign CNAME.
fn aliased(zone: &str, domain: &str, names: &[&str]) -> Vec<(String, String, Option<String>)> {
    let mut sets: Vec<_> = names
        .iter()
        .flat_map(|n| ["A", "AAAA"].map(|t| (format!("{n}.{zone}"), t.to_owned(), Some(domain.to_owned()))))
        .chain([(format!("legacy.{zone}"), "CNAME".to_owned(), None)])
        .collect();
    sets.sort();
    sets
}

/// Starts `method path body` and plays every task of `family` twice until it succeeds.
async fn twice(t: &TestStack, family: &str, method: Method, path: &str, body: Option<&Value>) -> Value {
    let accepted = t.accept(method, path, body).await;
    deliver_twice(t, family, accepted["executionId"].as_str().unwrap()).await;
    accepted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alias_records_and_the_alarm_come_and_go_with_the_distribution() {
    let t = TestStack::start(StackOptions { paused_workers: true, ..Default::default() }).await;
    let unique = &uuid::Uuid::new_v4().simple().to_string()[..10];
    let zone_name = format!("a{unique}.test");
    let route53 = t.aws.route53();
    let zone =
        route53.create_hosted_zone().name(format!("{zone_name}.")).caller_reference(unique).send().await.unwrap();
    let zone_id = zone.hosted_zone().unwrap().id().trim_start_matches("/hostedzone/").to_owned();
    // A record someone else made, at a name the distribution will have as an alias.
    let legacy = ResourceRecordSet::builder()
        .name(format!("legacy.{zone_name}."))
        .r#type(RrType::Cname)
        .ttl(60)
        .resource_records(ResourceRecord::builder().value("elsewhere.example.").build().unwrap())
        .build()
        .unwrap();
    let change = Change::builder().action(ChangeAction::Create).resource_record_set(legacy).build().unwrap();
    let batch = ChangeBatch::builder().changes(change).build().unwrap();
    route53.change_resource_record_sets().hosted_zone_id(&zone_id).change_batch(batch).send().await.unwrap();

    let accepted = twice(
        &t,
        "Certificates",
        Method::POST,
        "/certificates",
        Some(&json!({"domainName": format!("*.{zone_name}")})),
    )
    .await;
    let certificate = t.api.get(&format!("/executions/{}", accepted["executionId"].as_str().unwrap())).await.unwrap();
    let arn = certificate["output"]["requested"]["certificateArn"].as_str().unwrap().to_owned();
    let listed = route53.list_resource_record_sets().hosted_zone_id(&zone_id).send().await.unwrap();
    let validation = listed.resource_record_sets().iter().filter(|s| s.name().starts_with('_')).count();
    assert_eq!(validation, 1, "the certificate's validation record, written once though delivered twice");
    let spec = json!({"name": "o", "bucketName": unique_bucket("alias"), "region": "eu-west-3"});
    let origin = twice(&t, "Origins", Method::POST, "/origins", Some(&spec)).await["resourceId"].clone();

    let body = json!({
        "name": "aliased", "originId": origin, "certificateArn": arn,
        "aliases": [format!("www.{zone_name}"), format!("legacy.{zone_name}")],
        "createAliasRecords": true, "alarms": {"errorRate5xxPercent": 5},
    });
    let id = twice(&t, "Distributions", Method::POST, "/distributions", Some(&body)).await["resourceId"]
        .as_str()
        .unwrap()
        .to_owned();
    let view = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    let (domain, cloudfront) = (view["domainName"].as_str().unwrap().to_owned(), view["cloudfrontId"].clone());
    assert_eq!(view["aliasRecords"], json!([format!("www.{zone_name}")]), "{view}");
    assert_eq!(sets(&t, &zone_id).await, aliased(&zone_name, &domain, &["www"]), "the CNAME is left alone");
    let path = format!("/distributions/{id}");
    let dns = t.events_of(&path, "DistributionDnsUpdated", 1).await.unwrap();
    assert_eq!(dns[0]["data"]["upserted"], json!([format!("www.{zone_name}")]));
    assert_eq!(dns[0]["data"]["leftAlone"][0]["name"], format!("legacy.{zone_name}"));

    let cloudwatch = t.aws.cloudwatch();
    let alarm_name = format!("cfm-{id}-5xx-error-rate");
    let alarm = |alarms: aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput| {
        alarms.metric_alarms().iter().find(|a| a.alarm_name() == Some(alarm_name.as_str())).cloned()
    };
    let found = alarm(cloudwatch.describe_alarms().alarm_names(&alarm_name).send().await.unwrap()).expect("the alarm");
    assert_eq!((found.metric_name(), found.threshold()), (Some("5xxErrorRate"), Some(5.0)));
    let dimension = found.dimensions().iter().find(|d| d.name() == Some("DistributionId")).unwrap();
    assert_eq!(dimension.value(), cloudfront.as_str());

    let patch = json!({"aliases": [format!("api.{zone_name}")], "alarms": {"errorRate5xxPercent": 2.5}});
    twice(&t, "Distributions", Method::PUT, &path, Some(&patch)).await;
    assert_eq!(sets(&t, &zone_id).await, aliased(&zone_name, &domain, &["api"]), "moved to the new alias");
    let found = alarm(cloudwatch.describe_alarms().alarm_names(&alarm_name).send().await.unwrap()).expect("the alarm");
    assert_eq!(found.threshold(), Some(2.5));

    twice(&t, "Distributions", Method::DELETE, &path, None).await;
    assert_eq!(sets(&t, &zone_id).await, aliased(&zone_name, &domain, &[]), "only the CNAME is left");
    assert!(alarm(cloudwatch.describe_alarms().alarm_names(&alarm_name).send().await.unwrap()).is_none());
}
