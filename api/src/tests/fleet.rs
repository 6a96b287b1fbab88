//! Fleet reads: the distribution list filtered by status, drift, template, origin and tag, and
//! the fleet summary.

use axum::http::{Method, StatusCode};
use cfm_domain::distribution::DistributionRecord;
use cfm_ports::Clock;
use serde_json::json;

use super::Api;
use super::distributions::active_origin;

/// Creates distributions `a` (tagged team=web) and `b` over one origin; marks `b` drifted.
async fn two_distributions(api: &Api) -> (String, String, String) {
    let origin = active_origin(api).await;
    let mut ids = Vec::new();
    for (name, tags) in [("a", json!({"team": "web"})), ("b", json!({}))] {
        let body = json!({"name": name, "originId": origin, "tags": tags});
        let accepted = api.admin(Method::POST, "/distributions", Some(body)).await;
        assert_eq!(accepted.status, StatusCode::ACCEPTED);
        ids.push(accepted.body["resourceId"].as_str().unwrap().to_owned());
    }
    let now = api.memory.clock.now();
    api.memory
        .ports()
        .records()
        .update::<DistributionRecord, cfm_domain::claim::Busy>(&ids[1], now, |r| {
            r.drift = vec!["comment".into()];
            Ok(())
        })
        .await
        .unwrap();
    (ids.remove(0), ids.remove(0), origin.to_string())
}

fn ids(answer: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> =
        answer["distributions"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_list_filters_by_drift_tag_origin_template_and_status() {
    let api = Api::new();
    let (a, b, origin) = two_distributions(&api).await;
    let api = &api;
    let get = |query: String| async move { api.admin(Method::GET, &format!("/distributions?{query}"), None).await };
    assert_eq!(ids(&get("drifted=true".into()).await.body), std::slice::from_ref(&b));
    assert_eq!(ids(&get("drifted=false".into()).await.body), std::slice::from_ref(&a));
    assert_eq!(ids(&get("tag=team=web".into()).await.body), std::slice::from_ref(&a));
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(ids(&get(format!("originId={origin}")).await.body), both);
    assert_eq!(ids(&get("originId=org-0000000000000000".into()).await.body), Vec::<String>::new());
    assert_eq!(ids(&get("status=CREATING&drifted=true".into()).await.body), [b]);
    assert_eq!(ids(&get("templateId=tmpl-0000000000000000".into()).await.body), Vec::<String>::new());
    let bad = get("drifted=yes&tag=team&templateId=x&originId=y&status=Z".into()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.fields(), ["status", "drifted", "templateId", "originId", "tag"]);
}

#[tokio::test]
async fn the_fleet_summary_counts_every_kind() {
    let api = Api::new();
    two_distributions(&api).await;
    let fleet = api.reader(Method::GET, "/fleet", None).await;
    assert_eq!(fleet.status, StatusCode::OK);
    let d = &fleet.body["distributions"];
    assert_eq!((d["total"].clone(), d["byStatus"]["CREATING"].clone()), (json!(2), json!(2)));
    assert_eq!((d["drifted"].clone(), d["busy"].clone(), d["routed"].clone()), (json!(1), json!(2), json!(0)));
    assert_eq!(fleet.body["origins"]["byStatus"]["ACTIVE"], 1);
    assert_eq!(fleet.body["certificates"]["issued"], 0);
    assert_eq!(api.anonymous(Method::GET, "/fleet").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_list_sorts_by_name_status_and_time_in_pages() {
    let api = Api::new();
    let (a, b, _) = two_distributions(&api).await;
    let page = |query: &'static str| {
        let api = &api;
        async move { api.admin(Method::GET, &format!("/distributions?{query}"), None).await }
    };
    let names = |answer: &serde_json::Value| -> Vec<String> {
        answer["distributions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["spec"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&page("sort=name").await.body), ["a", "b"]);
    assert_eq!(names(&page("sort=-name").await.body), ["b", "a"]);
    let first = page("sort=name&limit=1").await.body;
    assert_eq!((names(&first), first["nextToken"].as_str()), (vec!["a".to_owned()], Some("at-1")));
    let second = page("sort=name&limit=1&nextToken=at-1").await.body;
    assert_eq!((names(&second), second["nextToken"].clone()), (vec!["b".to_owned()], serde_json::Value::Null));
    let drifted = page("sort=-createdAt&drifted=true").await.body;
    assert_eq!(drifted["distributions"][0]["id"], b.as_str());
    assert_eq!(page("sort=name").await.body["distributions"][0]["id"], a.as_str());
    let bad = page("sort=size").await;
    assert_eq!((bad.status, bad.fields()), (StatusCode::BAD_REQUEST, vec!["sort"]));
    let token = page("sort=name&nextToken=junk").await;
    assert_eq!((token.status, token.fields()), (StatusCode::BAD_REQUEST, vec!["nextToken"]));
}
