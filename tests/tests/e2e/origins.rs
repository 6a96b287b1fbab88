//! Each origin workflow's happy path, checked against the cloud itself.

use aws_sdk_s3::primitives::ByteStream;
use cfm_e2e::{TestStack, unique_bucket};
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_update_delete_an_origin_and_check_the_cloud() {
    let t = TestStack::default().await;
    let bucket = unique_bucket("happy");
    let region = "eu-west-1";
    let spec = json!({
        "name": "Assets", "bucketName": bucket, "region": region,
        "cors": [{"allowedOrigins": ["https://a.example.com"], "allowedMethods": ["GET", "HEAD"], "maxAgeSeconds": 600}],
        "website": {"indexDocument": "index.html", "errorDocument": "error.html"}
    });

    // create
    let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let origin = t.api.get(&format!("/origins/{id}")).await.unwrap();
    assert_eq!(origin["status"], "ACTIVE");
    assert_eq!(origin["distributions"], json!([]));
    let oac_id = origin["oacId"].as_str().expect("OAC id recorded").to_owned();

    let s3 = t.aws.s3(region);
    let location = s3.get_bucket_location().bucket(&bucket).send().await.unwrap();
    assert_eq!(location.location_constraint().map(|c| c.as_str()), Some(region));
    let block = s3.get_public_access_block().bucket(&bucket).send().await.unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            block.block_public_acls(),
            block.ignore_public_acls(),
            block.block_public_policy(),
            block.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let cors = s3.get_bucket_cors().bucket(&bucket).send().await.unwrap();
    assert_eq!(cors.cors_rules()[0].allowed_origins(), ["https://a.example.com"]);
    assert_eq!(cors.cors_rules()[0].max_age_seconds(), Some(600));
    let website = s3.get_bucket_website().bucket(&bucket).send().await.unwrap();
    assert_eq!(website.index_document().unwrap().suffix(), "index.html");
    assert_eq!(website.error_document().unwrap().key(), "error.html");
    let oac = t.aws.cloudfront().get_origin_access_control().id(&oac_id).send().await.unwrap();
    let config = oac.origin_access_control().unwrap().origin_access_control_config().unwrap();
    assert_eq!(config.name(), format!("cfm-{id}"));
    assert_eq!(config.origin_access_control_origin_type().as_str(), "s3");

    // A statement a distribution owns; updates must keep it.
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "cfm-dist-E123", "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
        "Resource": format!("arn:aws:s3:::{bucket}/*")}]});
    s3.put_bucket_policy().bucket(&bucket).policy(policy.to_string()).send().await.unwrap();

    // update: rename, drop CORS, change the website
    let patch = json!({"name": "Assets v2", "cors": null, "website": {"indexDocument": "home.html"}});
    let (_, view) = t.run(Method::PUT, &format!("/origins/{id}"), Some(&patch)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let origin = t.api.get(&format!("/origins/{id}")).await.unwrap();
    assert_eq!(origin["name"], "Assets v2");
    assert!(origin.get("cors").is_none());
    let err = s3.get_bucket_cors().bucket(&bucket).send().await.unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(404), "CORS removed");
    let website = s3.get_bucket_website().bucket(&bucket).send().await.unwrap();
    assert_eq!(website.index_document().unwrap().suffix(), "home.html");
    let kept = s3.get_bucket_policy().bucket(&bucket).send().await.unwrap();
    assert!(kept.policy().unwrap().contains("cfm-dist-E123"), "the update removed a distribution's statement");

    // delete, with an object in the bucket
    s3.put_object().bucket(&bucket).key("index.html").body(ByteStream::from_static(b"hi")).send().await.unwrap();
    let (_, view) = t.run(Method::DELETE, &format!("/origins/{id}?emptyBucket=true"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(!t.bucket_exists(&bucket, region).await, "bucket deleted");
    assert!(t.aws.cloudfront().get_origin_access_control().id(&oac_id).send().await.is_err(), "OAC deleted");
    let gone = t.api.send(Method::GET, &format!("/origins/{id}"), None, None).await.unwrap();
    assert_eq!(gone.status.as_u16(), 404);

    // history outlives the origin, newest first
    let events = t.history(&id, 3).await.unwrap();
    let types: Vec<_> = events.iter().map(|e| e["detailType"].as_str().unwrap()).collect();
    assert_eq!(types, ["OriginDeleted", "OriginUpdated", "OriginCreated"]);
    assert_eq!(events[1]["data"]["changed"], json!(["name", "cors", "website"]));
    assert_eq!(events[2]["metadata"]["actor"], "local-admin");
    assert!(events[2]["metadata"]["executionArn"].as_str().unwrap().contains(":execution:"));
    let page = t.api.get(&format!("/origins/{id}/history?limit=2")).await.unwrap();
    assert_eq!(page["events"].as_array().unwrap().len(), 2);
    let token = page["nextToken"].as_str().expect("a second page");
    let rest = t.api.get(&format!("/origins/{id}/history?limit=2&nextToken={token}")).await.unwrap();
    assert_eq!(rest["events"][0]["detailType"], "OriginCreated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origins_list_paginates_and_delete_refuses_without_empty_bucket() {
    let t = TestStack::default().await;
    let mut ids = Vec::new();
    for region in ["us-east-1", "ap-northeast-2", "eu-central-1"] {
        let spec = json!({"name": region, "bucketName": unique_bucket("list"), "region": region});
        let (accepted, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
        assert_eq!(view["status"], "SUCCEEDED", "{view}");
        ids.push(accepted["resourceId"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut path = "/origins?limit=2".to_owned();
    loop {
        let page = t.api.get(&path).await.unwrap();
        seen.extend(page["origins"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        match page["nextToken"].as_str() {
            Some(token) => path = format!("/origins?limit=2&nextToken={token}"),
            None => break,
        }
    }
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);

    // a non-empty bucket without emptyBucket: the workflow fails cleanly and the origin stays
    let origin = t.api.get(&format!("/origins/{}", ids[0])).await.unwrap();
    let (bucket, region) = (origin["bucketName"].as_str().unwrap(), origin["region"].as_str().unwrap());
    t.aws
        .s3(region)
        .put_object()
        .bucket(bucket)
        .key("keep.txt")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let (_, view) = t.run(Method::DELETE, &format!("/origins/{}", ids[0]), None).await;
    assert_eq!(view["status"], "FAILED");
    assert_eq!(view["error"], "cfm.BucketNotEmpty");
    let origin = t.api.get(&format!("/origins/{}", ids[0])).await.unwrap();
    assert_eq!(origin["status"], "ACTIVE");
    assert_eq!(origin["lastError"]["error"], "cfm.BucketNotEmpty");
    assert!(t.bucket_exists(bucket, region).await);
    let events = t.history(&ids[0], 2).await.unwrap();
    assert_eq!(events[0]["detailType"], "OriginDeleteFailed");
}
