//! Certificates: request → issued (moto issues after MOTO_ACM_VALIDATION_WAIT), list/get with
//! expiry facts, the expiry monitor with injected times, and bad requests.

use cfm_e2e::faults::FailOperation;
use cfm_e2e::{TestStack, problem_fields};
use cfm_localcloud::StackOptions;
use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

fn encode(arn: &str) -> String {
    arn.replace(':', "%3A").replace('/', "%2F")
}

async fn expiry_run(t: &TestStack, now: chrono::DateTime<Utc>) -> Value {
    let view = try_expiry_run(t, now).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    view
}

async fn try_expiry_run(t: &TestStack, now: chrono::DateTime<Utc>) -> Value {
    let machine = &t.stack.resources().machines["certificate-expiry"];
    let name = format!("certificate-expiry.{}", uuid::Uuid::new_v4().simple());
    let input = json!({"now": now.to_rfc3339()}).to_string();
    t.aws.sfn().start_execution().state_machine_arn(machine).name(&name).input(input).send().await.unwrap();
    t.wait(&name).await
}

async fn issued_certificate(t: &TestStack) -> (String, chrono::DateTime<Utc>) {
    let domain = format!("c{}.example.com", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let (_, view) = t.run(Method::POST, "/certificates", Some(&json!({"domainName": domain}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let arn = view["output"]["requested"]["certificateArn"].as_str().unwrap().to_owned();
    let got = t.api.get(&format!("/certificates/{}", encode(&arn))).await.unwrap();
    let not_after = chrono::DateTime::parse_from_rfc3339(got["notAfter"].as_str().unwrap()).unwrap();
    (arn, not_after.with_timezone(&Utc))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiry_announcement_is_not_lost_when_publishing_fails() {
    let (arn, not_after) = issued_certificate(&TestStack::default().await).await;
    // A stack of the same account (moto's ACM is shared) whose first PutEvents is refused.
    let fault = FailOperation::eventbridge("PutEvents", 400, "AccessDeniedException", 1);
    let t = TestStack::start(StackOptions { worker_interceptors: vec![fault.shared()], ..Default::default() }).await;
    let at = not_after - Duration::days(29);
    assert_eq!(try_expiry_run(&t, at).await["status"], "FAILED", "the announcement could not be published");
    expiry_run(&t, at).await;
    let expiring = t.events_of(&format!("/certificates/{}", encode(&arn)), "CertificateExpiring", 1).await.unwrap();
    assert_eq!(expiring[0]["data"]["thresholdDays"], 30, "announced on the next run");
    expiry_run(&t, at).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let again = t.events_of(&format!("/certificates/{}", encode(&arn)), "CertificateExpiring", 1).await.unwrap();
    assert_eq!(again.len(), 1, "and only once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_issue_list_and_expiry_thresholds() {
    let t = TestStack::default().await;
    let domain = format!("c{}.example.com", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let body = json!({"domainName": domain, "subjectAlternativeNames": [format!("www.{domain}")]});
    let (_, view) = t.run(Method::POST, "/certificates", Some(&body)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let arn = view["output"]["requested"]["certificateArn"].as_str().unwrap().to_owned();
    assert!(view["output"]["validation"]["records"][0]["type"] == "CNAME");

    let got = t.api.get(&format!("/certificates/{}", encode(&arn))).await.unwrap();
    assert_eq!(got["status"], "ISSUED");
    assert_eq!(got["domainName"], domain.as_str());
    assert!(got["daysUntilExpiry"].as_i64().unwrap() > 30);
    assert_eq!(got["expired"], false);
    assert_eq!(got["distributions"], json!([]));
    let list = t.api.get("/certificates").await.unwrap();
    assert!(list["certificates"].as_array().unwrap().iter().any(|c| c["arn"] == arn.as_str()));

    // the expiry monitor: each threshold once, then expired once (times injected)
    let not_after = got["notAfter"].as_str().unwrap();
    let not_after = chrono::DateTime::parse_from_rfc3339(not_after).unwrap().with_timezone(&Utc);
    let ours = |view: &Value| view["output"]["checked"]["events"].as_u64().unwrap();
    let at = |days: i64| not_after - Duration::days(days) + Duration::hours(1);
    assert!(ours(&expiry_run(&t, at(29)).await) >= 1, "30-day threshold");
    expiry_run(&t, at(28)).await;
    expiry_run(&t, at(13)).await;
    expiry_run(&t, at(13)).await;
    expiry_run(&t, at(6)).await;
    expiry_run(&t, not_after + Duration::days(1)).await;
    expiry_run(&t, not_after + Duration::days(2)).await;
    let history = t.history_of(&format!("/certificates/{}", encode(&arn)), 6).await.unwrap();
    let mine: Vec<(String, Value)> = history
        .iter()
        .map(|e| (e["detailType"].as_str().unwrap().to_owned(), e["data"]["thresholdDays"].clone()))
        .collect();
    assert_eq!(
        mine,
        [
            ("CertificateExpired".to_owned(), Value::Null),
            ("CertificateExpiring".to_owned(), json!(7)),
            ("CertificateExpiring".to_owned(), json!(14)),
            ("CertificateExpiring".to_owned(), json!(30)),
            ("CertificateIssued".to_owned(), Value::Null),
            ("CertificateValidationRequired".to_owned(), Value::Null),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_certificate_requests_are_rejected() {
    let t = TestStack::default().await;
    for (body, field) in [
        (json!({}), "domainName"),
        (json!({"domainName": "Not A Domain"}), "domainName"),
        (json!({"domainName": "example"}), "domainName"),
        (json!({"domainName": "a.example.com", "subjectAlternativeNames": ["bad name"]}), "subjectAlternativeNames[0]"),
        (
            json!({"domainName": "a.example.com", "subjectAlternativeNames": (0..100).map(|i| format!("n{i}.example.com")).collect::<Vec<_>>()}),
            "subjectAlternativeNames",
        ),
        (json!({"domainName": "a.example.com", "validation": "EMAIL"}), "validation"),
    ] {
        let answer = t.api.send(Method::POST, "/certificates", Some(&body), None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 400, "{body} → {}", answer.body);
        assert!(problem_fields(&answer.body).unwrap().iter().any(|f| f == field), "{body}: {}", answer.body);
    }
    let answer = t.api.send(Method::GET, "/certificates?status=SHINY", None, None).await.unwrap();
    assert_eq!(answer.status.as_u16(), 400);
    let answer = t.api.send(Method::GET, "/certificates/not-an-arn", None, None).await.unwrap();
    assert_eq!((answer.status.as_u16(), problem_fields(&answer.body).unwrap()), (400, vec!["arn".to_owned()]));
    let missing = encode("arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000");
    assert_eq!(
        t.api.send(Method::GET, &format!("/certificates/{missing}"), None, None).await.unwrap().status.as_u16(),
        404
    );
    assert_eq!(t.execution_count().await, 0);
}
