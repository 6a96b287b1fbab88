//! DNS validation on the local cloud's Route 53: a certificate's validation records go into the
//! public hosted zone its domain falls in, once however often the step runs, and a domain
//! outside every zone is announced for someone to create, as before.

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_records_are_written_into_the_domains_zone_and_the_rest_announced() {
    let t = TestStack::default().await;
    let unique = &uuid::Uuid::new_v4().simple().to_string()[..10];
    let zone_name = format!("z{unique}.test");
    let route53 = t.aws.route53();
    let zone =
        route53.create_hosted_zone().name(format!("{zone_name}.")).caller_reference(unique).send().await.unwrap();
    let zone_id = zone.hosted_zone().unwrap().id().trim_start_matches("/hostedzone/").to_owned();
    let (inside, outside) = (format!("www.{zone_name}"), format!("www.o{unique}.example"));
    let body = json!({"domainName": inside, "subjectAlternativeNames": [outside]});
    let (_, view) = t.run(Method::POST, "/certificates", Some(&body)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let arn = view["output"]["requested"]["certificateArn"].as_str().unwrap().to_owned();
    let path = format!("/certificates/{}", arn.replace(':', "%3A").replace('/', "%2F"));

    let created = t.events_of(&path, "CertificateValidationRecordsCreated", 1).await.unwrap();
    assert_eq!(created[0]["data"]["hostedZoneId"], zone_id.as_str(), "{created:?}");
    let written = created[0]["data"]["records"].as_array().unwrap().clone();
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0]["domainName"], inside.as_str());
    let sets = route53.list_resource_record_sets().hosted_zone_id(&zone_id).send().await.unwrap();
    let cnames: Vec<_> = sets.resource_record_sets().iter().filter(|s| s.r#type().as_str() == "CNAME").collect();
    assert_eq!(cnames.len(), 1, "written once: {cnames:?}");
    assert_eq!(cnames[0].name(), written[0]["name"].as_str().unwrap());
    assert_eq!(cnames[0].resource_records()[0].value(), written[0]["value"].as_str().unwrap());

    let required = t.events_of(&path, "CertificateValidationRequired", 1).await.unwrap();
    let announced = required[0]["data"]["records"].as_array().unwrap();
    assert_eq!(announced.len(), 1);
    assert_eq!(announced[0]["domainName"], outside.as_str(), "a domain outside every zone is announced");

    let bad = t
        .api
        .send(Method::POST, "/certificates", Some(&json!({"domainName": inside, "hostedZoneId": "nope"})), None)
        .await
        .unwrap();
    assert_eq!(bad.status.as_u16(), 400);
    assert_eq!(cfm_e2e::problem_fields(&bad.body).unwrap(), ["hostedZoneId"]);
}
