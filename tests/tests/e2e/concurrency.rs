//! Two changes of one resource at once: both apply, or the second is refused with 409 — never
//! one silently lost. The API's busy check and claim are one conditional write.

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::{Value, json};

/// Sends two requests at once; returns their answers (status, body) in the order given.
async fn both(t: &TestStack, method: Method, path: &str, bodies: [&Value; 2]) -> [(u16, Value); 2] {
    let (a, b) = tokio::join!(
        t.api.send(method.clone(), path, Some(bodies[0]), None),
        t.api.send(method.clone(), path, Some(bodies[1]), None)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    [(a.status.as_u16(), a.body), (b.status.as_u16(), b.body)]
}

/// The accepted one of two answers, checking the other was a 409.
fn accepted_one(answers: [(u16, Value); 2]) -> (usize, Value) {
    let statuses = [answers[0].0, answers[1].0];
    let winner = statuses.iter().position(|s| *s == 202).unwrap_or_else(|| panic!("none accepted: {answers:?}"));
    assert_eq!(statuses[1 - winner], 409, "{answers:?}");
    assert_eq!(answers[1 - winner].1["error"], "Conflict");
    (winner, answers[winner].1.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_updates_of_a_distribution_apply_one_and_refuse_the_other() {
    let t = TestStack::default().await;
    let origin = t.origin("us-east-1").await;
    let (accepted, view) = t.run(Method::POST, "/distributions", Some(&json!({"name": "d", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let path = format!("/distributions/{id}");
    let comments = [json!({"comment": "first"}), json!({"comment": "second"})];
    let (winner, accepted) = accepted_one(both(&t, Method::PUT, &path, [&comments[0], &comments[1]]).await);
    let view = t.wait(accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let record = t.api.get(&path).await.unwrap();
    assert_eq!(record["spec"]["comment"], comments[winner]["comment"]);
    let cloudfront_id = record["cloudfrontId"].as_str().unwrap();
    let config = t.aws.cloudfront().get_distribution_config().id(cloudfront_id).send().await.unwrap();
    assert_eq!(Some(config.distribution_config().unwrap().comment()), comments[winner]["comment"].as_str());

    // While an update holds it, a delete is refused too, and once it is done a delete works.
    let held = t.accept(Method::PUT, &path, Some(&json!({"comment": "third"}))).await;
    let refused = t.api.send(Method::DELETE, &path, None, None).await.unwrap();
    assert_eq!(refused.status.as_u16(), 409, "{}", refused.body);
    assert_eq!(t.wait(held["executionId"].as_str().unwrap()).await["status"], "SUCCEEDED");
    let (_, view) = t.run(Method::DELETE, &path, None).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_updates_of_an_origin_apply_one_and_refuse_the_other() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-west-1").await;
    let path = format!("/origins/{origin}");
    let names = [json!({"name": "first"}), json!({"name": "second"})];
    let (winner, accepted) = accepted_one(both(&t, Method::PUT, &path, [&names[0], &names[1]]).await);
    let view = t.wait(accepted["executionId"].as_str().unwrap()).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let record = t.api.get(&path).await.unwrap();
    assert_eq!(record["name"], names[winner]["name"]);
    assert_eq!(record["status"], "ACTIVE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_template_updates_both_become_versions() {
    let t = TestStack::default().await;
    let created = t.api.send(Method::POST, "/templates", Some(&json!({"name": "t"})), None).await.unwrap();
    let id = created.ok().unwrap()["id"].as_str().unwrap().to_owned();
    let path = format!("/templates/{id}");
    let bodies = [json!({"description": "first"}), json!({"description": "second"})];
    let answers = both(&t, Method::PUT, &path, [&bodies[0], &bodies[1]]).await;
    assert_eq!([answers[0].0, answers[1].0], [200, 200], "{answers:?}");
    let mut versions: Vec<u64> = answers.iter().map(|(_, b)| b["version"].as_u64().unwrap()).collect();
    versions.sort_unstable();
    assert_eq!(versions, [2, 3], "each update made its own version");
    let listed = t.api.get(&format!("{path}/versions")).await.unwrap();
    assert_eq!(listed["count"], 3);
    assert_eq!(t.api.get(&path).await.unwrap()["version"], 3);
}
