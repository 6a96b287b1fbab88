//! Templates: versions, apply with overrides (checked against CloudFront), invalid merges,
//! idempotent apply, soft delete, and bad input.

use cfm_e2e::{TestStack, problem_fields};
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_version_apply_and_delete() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-west-1").await;
    let body = json!({"name": "Static", "category": "Web", "features": ["spa"],
        "spec": {"defaultRootObject": "index.html", "comment": "v1", "priceClass": "PriceClass_200"}});
    let created = t.api.send(Method::POST, "/templates", Some(&body), None).await.unwrap();
    assert_eq!(created.status.as_u16(), 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["version"], 1);

    let updated = t
        .api
        .send(
            Method::PUT,
            &format!("/templates/{id}"),
            Some(&json!({"spec": {"comment": "v2"}, "description": "second"})),
            None,
        )
        .await
        .unwrap();
    assert_eq!(updated.status.as_u16(), 200, "{}", updated.body);
    assert_eq!(updated.body["version"], 2);
    let versions = t.api.get(&format!("/templates/{id}/versions")).await.unwrap();
    assert_eq!(versions["count"], 2);
    assert_eq!(versions["versions"][1]["spec"]["comment"], "v1", "version 1 is immutable");
    assert_eq!(
        t.api.get(&format!("/templates/{id}")).await.unwrap()["spec"]["comment"],
        "v2",
        "reads default to the latest"
    );
    assert_eq!(t.api.get(&format!("/templates/{id}?version=1")).await.unwrap()["spec"]["priceClass"], "PriceClass_200");

    // apply the old version with overrides, twice with one key
    let apply = json!({"name": "from-v1", "version": 1, "overrides": {"originId": origin, "comment": "overridden"}});
    let first =
        t.api.send(Method::POST, &format!("/templates/{id}/apply"), Some(&apply), Some("apply-1")).await.unwrap();
    assert_eq!(first.status.as_u16(), 202, "{}", first.body);
    assert_eq!(first.body["workflow"], "apply-template");
    let again =
        t.api.send(Method::POST, &format!("/templates/{id}/apply"), Some(&apply), Some("apply-1")).await.unwrap();
    assert_eq!(again.body["executionId"], first.body["executionId"]);
    let view = t.wait(first.body["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let child = view["output"]["child"]["executionId"].as_str().unwrap();
    assert!(child.starts_with("create-distribution."), "apply-template ran create-distribution: {child}");
    assert_eq!(t.api.get(&format!("/executions/{child}")).await.unwrap()["status"], "SUCCEEDED");
    assert_eq!(t.api.get("/distributions").await.unwrap()["count"], 1, "one distribution");
    let dist = first.body["resourceId"].as_str().unwrap();
    let record = t.api.get(&format!("/distributions/{dist}")).await.unwrap();
    assert_eq!(record["template"], json!({"templateId": id, "version": 1}));
    let cf_id = record["cloudfrontId"].as_str().unwrap();
    let config = t.aws.cloudfront().get_distribution_config().id(cf_id).send().await.unwrap();
    let config = config.distribution_config().unwrap();
    assert_eq!(config.comment(), "overridden", "override wins");
    assert_eq!(config.price_class().map(|p| p.as_str()), Some("PriceClass_200"), "from template v1");
    assert_eq!(config.default_root_object(), Some("index.html"));
    let events = t.history_of(&format!("/templates/{id}"), 3).await.unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["detailType"].as_str().unwrap()).collect();
    assert_eq!(types, ["TemplateApplied", "TemplateUpdated", "TemplateCreated"]);
    assert_eq!(events[0]["data"]["distributionId"], dist);

    // delete hides it from lists, keeps versions, and distributions made from it are untouched
    assert_eq!(t.api.send(Method::DELETE, &format!("/templates/{id}"), None, None).await.unwrap().status.as_u16(), 200);
    assert_eq!(t.api.get("/templates").await.unwrap()["count"], 0);
    assert_eq!(t.api.get(&format!("/templates/{id}/versions")).await.unwrap()["count"], 2);
    assert_eq!(t.api.get(&format!("/templates/{id}")).await.unwrap()["deleted"], true);
    assert_eq!(t.api.get(&format!("/distributions/{dist}")).await.unwrap()["status"], "DEPLOYED");
    let refused = t.api.send(Method::POST, &format!("/templates/{id}/apply"), Some(&apply), None).await.unwrap();
    assert_eq!(refused.status.as_u16(), 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_templates_and_invalid_merges_change_nothing() {
    let t = TestStack::default().await;
    let ok = t
        .api
        .send(Method::POST, "/templates", Some(&json!({"name": "base", "spec": {"comment": "c"}})), None)
        .await
        .unwrap();
    let id = ok.body["id"].as_str().unwrap().to_owned();
    let before = t.execution_count().await;
    let cases = [
        (json!({}), "name"),
        (json!({"name": ""}), "name"),
        (json!({"name": "t", "category": "Games"}), "category"),
        (json!({"name": "t", "features": [""]}), "features[0]"),
        (json!({"name": "t", "spec": {"priceClass": "cheap"}}), "spec.priceClass"),
        (json!({"name": "t", "spec": {"aliases": ["cdn.example.com"]}}), "spec.aliases"),
        (json!({"name": "t", "spec": {"viewerProtocolPolicy": "sometimes"}}), "spec.viewerProtocolPolicy"),
        (json!({"name": "t", "spec": {"defaultRootObject": "/index.html"}}), "spec.defaultRootObject"),
        (
            json!({"name": "t", "ssl": {"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/x", "customDomains": ["a.example.com"]}}),
            "spec.certificateArn",
        ),
        (
            json!({"name": "t", "ssl": {"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x", "customDomains": ["Bad Domain"]}}),
            "ssl.customDomains[0]",
        ),
        (
            json!({"name": "t", "ssl": {"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x", "minTlsVersion": "TLSv0"}}),
            "spec.minimumProtocolVersion",
        ),
        (json!({"name": "t", "spec": {"unknown": 1}}), "spec.unknown"),
        (json!({"name": "t", "colour": "red"}), "colour"),
    ];
    for (body, field) in &cases {
        let answer = t.api.send(Method::POST, "/templates", Some(body), None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 400, "{body} → {}", answer.body);
        let fields = problem_fields(&answer.body).unwrap();
        assert!(fields.iter().any(|f| f == field), "{body}: expected {field} in {fields:?}");
    }
    let update = t.api.send(Method::PUT, &format!("/templates/{id}"), Some(&json!({})), None).await.unwrap();
    assert_eq!((update.status.as_u16(), problem_fields(&update.body).unwrap()), (400, vec!["body".to_owned()]));

    // applying: the merged result must be a valid distribution
    for (body, field) in [
        (json!({"overrides": {"originId": "org-0000000000000000"}}), "name"),
        (json!({"name": "d"}), "originId"),
        (json!({"name": "d", "overrides": {"originId": "org-0000000000000000"}}), "originId"),
        (json!({"name": "d", "overrides": {"originId": "org-1", "priceClass": "x"}}), "priceClass"),
        (json!({"name": "d", "version": 9, "overrides": {"originId": "org-1"}}), "version"),
        (json!({"name": "d", "overrides": {"nope": true}}), "overrides.nope"),
    ] {
        let answer = t.api.send(Method::POST, &format!("/templates/{id}/apply"), Some(&body), None).await.unwrap();
        assert_eq!(answer.status.as_u16(), 400, "{body} → {}", answer.body);
        let fields = problem_fields(&answer.body).unwrap();
        assert!(fields.iter().any(|f| f == field), "{body}: expected {field} in {fields:?}");
    }
    assert_eq!(
        t.api
            .send(Method::POST, "/templates/tmpl-missing/apply", Some(&json!({"name": "d"})), None)
            .await
            .unwrap()
            .status
            .as_u16(),
        404
    );
    assert_eq!(t.execution_count().await, before, "nothing started");
    assert_eq!(t.api.get("/templates").await.unwrap()["count"], 1);
    assert_eq!(t.api.get(&format!("/templates/{id}/versions")).await.unwrap()["count"], 1);
}
