//! Bad input gets a 4xx naming the field, and changes nothing: no execution, no bucket, no record.

use cfm_domain::claim::Busy;
use cfm_domain::origin::OriginRecord;
use cfm_domain::values::{Checked, DistributionId};
use cfm_e2e::{TestStack, problem_fields, unique_bucket};
use reqwest::Method;
use serde_json::{Value, json};

fn spec(bucket: &str) -> Value {
    json!({"name": "n", "bucketName": bucket, "region": "eu-west-1"})
}

fn with(bucket: &str, field: &str, value: Value) -> Value {
    let mut body = spec(bucket);
    body[field] = value;
    body
}

fn without(bucket: &str, field: &str) -> Value {
    let mut body = spec(bucket);
    body.as_object_mut().unwrap().remove(field);
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_create_requests_are_rejected_with_their_fields() {
    let t = TestStack::default().await;
    let b = unique_bucket("bad");
    let cors = |rule: Value| json!([rule]);
    // (body, the field the answer must name)
    let cases: Vec<(Value, &str)> = vec![
        (without(&b, "name"), "name"),
        (without(&b, "bucketName"), "bucketName"),
        (without(&b, "region"), "region"),
        (with(&b, "name", json!("   ")), "name"),
        (with(&b, "name", json!("x".repeat(129))), "name"),
        (with(&b, "bucketName", json!("Upper-Case")), "bucketName"),
        (with(&b, "bucketName", json!("ab")), "bucketName"),
        (with(&b, "bucketName", json!("my.dotted.bucket")), "bucketName"),
        (with(&b, "bucketName", json!("xn--punycode")), "bucketName"),
        (with(&b, "bucketName", json!("ends-with-")), "bucketName"),
        (with(&b, "region", json!("mars-north-1")), "region"),
        (with(&b, "region", json!(5)), "region"),
        (with(&b, "cors", json!([])), "cors"),
        (
            with(&b, "cors", cors(json!({"allowedOrigins": ["*"], "allowedMethods": ["PATCH"]}))),
            "cors[0].allowedMethods",
        ),
        (
            with(&b, "cors", cors(json!({"allowedOrigins": ["ftp://x.example"], "allowedMethods": ["GET"]}))),
            "cors[0].allowedOrigins",
        ),
        (with(&b, "cors", cors(json!({"allowedOrigins": [], "allowedMethods": ["GET"]}))), "cors[0].allowedOrigins"),
        (
            with(&b, "cors", cors(json!({"allowedOrigins": ["*"], "allowedMethods": ["GET"], "maxAgeSeconds": -5}))),
            "cors[0].maxAgeSeconds",
        ),
        (with(&b, "website", json!({"indexDocument": "dir/index.html"})), "website.indexDocument"),
        (with(&b, "website", json!({"indexDocument": ""})), "website.indexDocument"),
        (with(&b, "bucket", json!("typo-field")), "bucket"),
        (json!([1, 2]), "body"),
    ];
    assert!(cases.len() >= 15);
    for (body, field) in &cases {
        let answer = t.api.send(Method::POST, "/origins", Some(body), None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 400, "{body} → {}", answer.body);
        let fields = problem_fields(&answer.body).unwrap();
        assert!(fields.iter().any(|f| f == field), "{body}: expected {field} in {fields:?}");
    }

    // every problem at once
    let answer = t
        .api
        .send(Method::POST, "/origins", Some(&json!({"bucketName": "BAD", "region": "nowhere"})), None)
        .await
        .unwrap();
    let fields = problem_fields(&answer.body).unwrap();
    for field in ["name", "bucketName", "region"] {
        assert!(fields.iter().any(|f| f == field), "{fields:?}");
    }

    // not JSON, empty body, bad headers and parameters
    let raw = reqwest::Client::new();
    let url = format!("{}/origins", t.stack.api_url());
    for body in ["{not json", ""] {
        let answer = raw.post(&url).bearer_auth(t.stack.token()).body(body).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 400);
        let json: Value = answer.json().await.unwrap();
        assert_eq!(problem_fields(&json).unwrap(), ["body"]);
    }
    let bad_key = t.api.send(Method::POST, "/origins", Some(&spec(&b)), Some("has spaces")).await.unwrap();
    assert_eq!(bad_key.status.as_u16(), 400);
    assert_eq!(problem_fields(&bad_key.body).unwrap(), ["Idempotency-Key"]);
    for (path, field) in
        [("/origins?limit=0", "limit"), ("/origins?limit=abc", "limit"), ("/origins?nextToken=garbage!", "nextToken")]
    {
        let answer = t.api.send(Method::GET, path, None, None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 400, "{path}");
        assert!(problem_fields(&answer.body).unwrap().iter().any(|f| f == field), "{path}: {}", answer.body);
    }

    // nothing was started or made
    assert_eq!(t.execution_count().await, 0);
    assert!(!t.bucket_exists(&b, "eu-west-1").await);
    assert_eq!(t.api.get("/origins").await.unwrap()["count"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_updates_deletes_and_conflicts_change_nothing() {
    let t = TestStack::default().await;
    let bucket = unique_bucket("conflict");
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec(&bucket))).await;
    assert_eq!(view["status"], "SUCCEEDED");
    let id = accepted["resourceId"].as_str().unwrap();
    let path = format!("/origins/{id}");
    let before = t.execution_count().await;

    for (body, field) in [
        (json!({}), "body"),
        (json!({"name": ""}), "name"),
        (json!({"cors": [{"allowedOrigins": ["*"], "allowedMethods": []}]}), "cors[0].allowedMethods"),
        (json!({"website": {"indexDocument": "a/b"}}), "website.indexDocument"),
        (json!({"bucketName": "cannot-change"}), "bucketName"),
    ] {
        let answer = t.api.send(Method::PUT, &path, Some(&body), None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 400, "{body}");
        assert!(problem_fields(&answer.body).unwrap().iter().any(|f| f == field), "{body}: {}", answer.body);
    }
    let answer = t.api.send(Method::DELETE, &format!("{path}?emptyBucket=maybe"), None, None).await.unwrap();
    assert_eq!((answer.status.as_u16(), problem_fields(&answer.body).unwrap()), (400, vec!["emptyBucket".to_owned()]));

    for (method, missing) in [
        (Method::GET, "/origins/org-missing"),
        (Method::DELETE, "/origins/org-missing"),
        (Method::GET, "/executions/create-origin.nope.nope"),
    ] {
        let answer = t.api.send(method, missing, None, None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 404, "{missing}");
    }
    let answer = t.api.send(Method::PUT, "/origins/org-missing", Some(&json!({"name": "x"})), None).await.unwrap();
    assert_eq!(answer.status.as_u16(), 404);

    // the bucket name is taken: by this origin, and by a bucket cfm did not make
    let taken = t.api.send(Method::POST, "/origins", Some(&spec(&bucket)), None).await.unwrap();
    assert_eq!(taken.status.as_u16(), 409, "{}", taken.body);
    let foreign = unique_bucket("foreign");
    t.aws
        .s3("eu-west-1")
        .create_bucket()
        .bucket(&foreign)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let taken = t.api.send(Method::POST, "/origins", Some(&spec(&foreign)), None).await.unwrap();
    assert_eq!(taken.status.as_u16(), 409, "{}", taken.body);
    assert!(taken.body["message"].as_str().unwrap().contains(&foreign));

    // an origin a distribution uses cannot be deleted (fast 409 from the API)
    let ports = t.ports();
    let user = DistributionId::parse("dist-0000000000000001").unwrap();
    ports
        .records()
        .update::<OriginRecord, Busy>(id, ports.clock.now(), |r| {
            r.distributions.push(user.clone());
            Ok(())
        })
        .await
        .unwrap();
    let in_use = t.api.send(Method::DELETE, &path, None, None).await.unwrap();
    assert_eq!(in_use.status.as_u16(), 409);
    assert!(in_use.body["message"].as_str().unwrap().contains(user.as_str()));

    assert_eq!(t.execution_count().await, before, "no execution started");
    assert_eq!(t.api.get(&path).await.unwrap()["status"], "ACTIVE");
}
