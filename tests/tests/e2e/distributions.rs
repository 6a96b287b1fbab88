//! Distribution workflows end to end, checked against the cloud itself.

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::{Value, json};

/// The distributions CloudFront has that serve `origin_domain`.
pub(crate) async fn serving(t: &TestStack, origin_domain: &str) -> Vec<String> {
    let list = t.aws.cloudfront().list_distributions().send().await.unwrap();
    let items = list.distribution_list().map(|l| l.items().to_vec()).unwrap_or_default();
    items
        .iter()
        .filter(|d| d.origins().is_some_and(|o| o.items().iter().any(|o| o.domain_name() == origin_domain)))
        .map(|d| d.id().to_owned())
        .collect()
}

pub(crate) async fn origin_bucket(t: &TestStack, origin: &str) -> (String, String, String) {
    let o = t.api.get(&format!("/origins/{origin}")).await.unwrap();
    let (bucket, region) = (o["bucketName"].as_str().unwrap().to_owned(), o["region"].as_str().unwrap().to_owned());
    let domain = format!("{bucket}.s3.{region}.amazonaws.com");
    (bucket, region, domain)
}

pub(crate) async fn policy(t: &TestStack, bucket: &str, region: &str) -> Option<String> {
    t.aws.s3(region).get_bucket_policy().bucket(bucket).send().await.ok().and_then(|p| p.policy().map(str::to_owned))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_invalidate_update_disable_delete_a_distribution() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-west-1").await;
    let (bucket, region, domain) = origin_bucket(&t, &origin).await;
    // a statement someone else owns must survive every grant and revoke
    let theirs = json!({"Version": "2012-10-17", "Statement": [{"Sid": "TheirOwn", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{bucket}")}]});
    t.aws.s3(&region).put_bucket_policy().bucket(&bucket).policy(theirs.to_string()).send().await.unwrap();

    let spec = json!({"name": "site", "originId": origin, "defaultRootObject": "index.html", "priceClass": "PriceClass_200",
        "customErrorResponses": [{"errorCode": 404, "responseCode": 200, "responsePagePath": "/index.html"}],
        "tags": {"team": "web"}});
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(record["status"], "DEPLOYED");
    assert_eq!(record["live"]["status"], "Deployed");
    let cf_id = record["cloudfrontId"].as_str().unwrap().to_owned();
    let arn = record["arn"].as_str().unwrap().to_owned();

    // CloudFront has it, built from the spec
    let cf = t.aws.cloudfront();
    let config = cf.get_distribution_config().id(&cf_id).send().await.unwrap();
    let config = config.distribution_config().unwrap();
    assert_eq!(config.comment(), "site");
    assert_eq!(config.default_root_object(), Some("index.html"));
    assert_eq!(config.price_class().map(|p| p.as_str()), Some("PriceClass_200"));
    assert_eq!(config.origins().unwrap().items()[0].domain_name(), domain);
    let tags = cf.list_tags_for_resource().resource(&arn).send().await.unwrap();
    let tags: Vec<(String, String)> = tags
        .tags()
        .unwrap()
        .items()
        .iter()
        .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
        .collect();
    assert!(
        tags.contains(&("cfm:distribution-id".into(), id.clone())) && tags.contains(&("team".into(), "web".into())),
        "{tags:?}"
    );

    // the bucket policy grants exactly this distribution, next to the existing statement
    let granted: Value = serde_json::from_str(&policy(&t, &bucket, &region).await.unwrap()).unwrap();
    let statements = granted["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2, "{granted}");
    let grant = statements.iter().find(|s| s["Sid"] != "TheirOwn").unwrap();
    assert_eq!(grant["Condition"]["StringEquals"]["AWS:SourceArn"], arn.as_str());
    assert_eq!(grant["Principal"]["Service"], "cloudfront.amazonaws.com");
    assert_eq!(t.api.get(&format!("/origins/{origin}")).await.unwrap()["distributions"], json!([id]));

    // the origin cannot be deleted while the distribution uses it
    let refused = t.api.send(Method::DELETE, &format!("/origins/{origin}"), None, None).await.unwrap();
    assert_eq!(refused.status.as_u16(), 409);

    // invalidate
    let (_, view) = t
        .run(
            Method::POST,
            &format!("/distributions/{id}/invalidate"),
            Some(&json!({"paths": ["/index.html", "/img/*"]})),
        )
        .await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let invalidations = cf.list_invalidations().distribution_id(&cf_id).send().await.unwrap();
    assert_eq!(invalidations.invalidation_list().unwrap().items().len(), 1);
    assert_eq!(
        view["output"]["invalidation"]["invalidationId"],
        invalidations.invalidation_list().unwrap().items()[0].id()
    );

    // update, then disable
    let (_, view) = t
        .run(
            Method::PUT,
            &format!("/distributions/{id}"),
            Some(&json!({"comment": "v2", "priceClass": "PriceClass_All"})),
        )
        .await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let config = cf.get_distribution_config().id(&cf_id).send().await.unwrap();
    assert_eq!(config.distribution_config().unwrap().comment(), "v2");
    let (_, view) = t.run(Method::PUT, &format!("/distributions/{id}"), Some(&json!({"enabled": false}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(!cf.get_distribution_config().id(&cf_id).send().await.unwrap().distribution_config().unwrap().enabled());
    let status = t.api.get(&format!("/distributions/{id}/status")).await.unwrap();
    assert_eq!((status["status"].as_str(), status["enabled"].as_bool()), (Some("DEPLOYED"), Some(false)));

    // lists filter by status
    let deployed = t.api.get("/distributions?status=DEPLOYED").await.unwrap();
    assert_eq!(deployed["count"], 1);
    assert_eq!(t.api.get("/distributions?status=FAILED").await.unwrap()["count"], 0);

    // delete: one call
    let (_, view) = t.run(Method::DELETE, &format!("/distributions/{id}"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert!(cf.get_distribution().id(&cf_id).send().await.is_err(), "gone from CloudFront");
    let left = policy(&t, &bucket, &region).await.unwrap();
    assert!(left.contains("TheirOwn") && !left.contains(&arn), "{left}");
    assert_eq!(t.api.get(&format!("/origins/{origin}")).await.unwrap()["distributions"], json!([]));
    assert_eq!(
        t.api.send(Method::GET, &format!("/distributions/{id}"), None, None).await.unwrap().status.as_u16(),
        404
    );
    let events = t.history_of(&format!("/distributions/{id}"), 6).await.unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["detailType"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "DistributionDeleted",
            "DistributionUpdated",
            "DistributionUpdated",
            "InvalidationCompleted",
            "DistributionDeployed",
            "DistributionCreated"
        ]
    );
    let (_, view) = t.run(Method::DELETE, &format!("/origins/{origin}?emptyBucket=true"), None).await;
    assert_eq!(view["status"], "SUCCEEDED", "the origin is free again: {view}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_reports_changes_made_outside_cfm() {
    let t = TestStack::default().await;
    let origin = t.origin("us-west-1").await;
    let (accepted, view) =
        t.run(Method::POST, "/distributions", Some(&json!({"name": "drifty", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let cf_id = t.api.get(&format!("/distributions/{id}")).await.unwrap()["cloudfrontId"].as_str().unwrap().to_owned();

    // nothing to report yet
    assert_eq!(t.reconcile().await["output"]["reconciled"]["events"], 0);

    // someone edits the comment in the console
    let cf = t.aws.cloudfront();
    let current = cf.get_distribution_config().id(&cf_id).send().await.unwrap();
    let mut config = current.distribution_config().unwrap().clone();
    config.comment = "edited by hand".into();
    cf.update_distribution()
        .id(&cf_id)
        .if_match(current.e_tag().unwrap())
        .distribution_config(config)
        .send()
        .await
        .unwrap();

    let view = t.reconcile().await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    assert_eq!(view["output"]["reconciled"]["events"], 1);
    let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
    assert_eq!(record["drift"], json!(["comment"]));
    let events = t.history_of(&format!("/distributions/{id}"), 3).await.unwrap();
    assert_eq!(events[0]["detailType"], "DistributionDriftDetected");
    assert_eq!(events[0]["data"]["fields"], json!(["comment"]));
    assert_eq!(events[0]["metadata"]["actor"], "cfm-reconciler");
    // reported once, not on every run
    assert_eq!(t.reconcile().await["output"]["reconciled"]["events"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bucket_policy_edits_wait_for_each_other() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-west-2").await;
    let (bucket, _, _) = origin_bucket(&t, &origin).await;
    // Another workflow is editing this bucket's policy.
    let ports = t.ports();
    let lease = format!("bucket-policy/{bucket}");
    assert!(ports.store.take(&lease, "dist-someone-else", 60, ports.clock.now()).await.unwrap());
    let accepted = t.accept(Method::POST, "/distributions", Some(&json!({"name": "waits", "originId": origin}))).await;
    let execution = accepted["executionId"].as_str().unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(
        t.api.get(&format!("/executions/{execution}")).await.unwrap()["status"],
        "RUNNING",
        "it waits for the lease"
    );
    ports.store.give_back(&lease, "dist-someone-else").await.unwrap();
    let view = t.wait(execution).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let history =
        t.aws.sfn().get_execution_history().execution_arn(view["executionArn"].as_str().unwrap()).send().await.unwrap();
    let retried = history
        .events()
        .iter()
        .filter_map(|e| e.task_failed_event_details())
        .any(|d| d.error() == Some("cfm.Transient"));
    assert!(retried, "GrantOriginAccess was retried while the lease was held");
}
