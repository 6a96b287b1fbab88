//! Edge routing on the local cloud: the preview of the generated function over real origins
//! creates nothing, and bad routings are refused with their fields.

use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::{Value, json};

use crate::distribution_input::expect_400;
use crate::multi_origin::custom_origin;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_over_real_origins_shows_the_table_and_creates_nothing() {
    let t = TestStack::default().await;
    let (seoul, virginia, ireland) =
        (t.origin("ap-northeast-2").await, t.origin("us-east-1").await, t.origin("eu-west-1").await);
    let before = t.execution_count().await;
    let functions = t.aws.cloudfront().list_functions().send().await.unwrap();
    let function_count = functions.function_list().map_or(0, |l| l.quantity());
    for mode in ["cloudfront-function", "lambda-edge"] {
        let body = json!({"origins": [seoul, virginia, ireland], "routing": {"mode": mode, "preset": "global-3",
            "regions": {"apac": seoul, "americas": virginia, "europe": ireland}, "defaultOriginId": virginia}});
        let preview = t.api.send(Method::POST, "/edge-functions/preview", Some(&body), None).await.unwrap();
        assert_eq!(preview.status.as_u16(), 200, "{}", preview.body);
        let preview = preview.body;
        for (country, origin) in [("KR", &seoul), ("US", &virginia), ("DE", &ireland)] {
            assert_eq!(preview["table"][country].as_str(), Some(origin.as_str()), "{mode} {country}");
        }
        assert_eq!(preview["mode"], mode);
        assert!(preview["sizeBytes"].as_u64() <= preview["limitBytes"].as_u64());
        if mode == "lambda-edge" {
            let code = preview["code"].as_str().unwrap();
            let seoul_bucket = t.api.get(&format!("/origins/{seoul}")).await.unwrap()["bucketName"].clone();
            assert!(code.contains(&format!("{}.s3.ap-northeast-2.amazonaws.com", seoul_bucket.as_str().unwrap())));
            assert!(preview["access"].as_str().unwrap().contains("Origin Access Identity"));
        }
    }
    assert_eq!(t.execution_count().await, before, "a preview starts nothing");
    let after = t.aws.cloudfront().list_functions().send().await.unwrap();
    assert_eq!(after.function_list().map_or(0, |l| l.quantity()), function_count, "and creates no function");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_routings_are_refused_with_their_fields() {
    let t = TestStack::default().await;
    let (a, b, api) = (t.origin("ap-southeast-1").await, t.origin("us-west-2").await, custom_origin(&t).await);
    let routed = |routing: Value| json!({"origins": [a, b], "routing": routing});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"origins": [a]}), "routing"),
        (json!({"routing": {"map": {"KR": a}, "defaultOriginId": a}}), "origins"),
        (routed(json!({"defaultOriginId": a})), "routing"),
        (routed(json!({"mode": "edge-lambda", "map": {"KR": a}, "defaultOriginId": a})), "routing.mode"),
        (routed(json!({"preset": "global-5", "defaultOriginId": a})), "routing.preset"),
        (
            routed(json!({"preset": "global-3", "regions": {"apac": a, "americas": b}, "defaultOriginId": a})),
            "routing.regions.europe",
        ),
        (
            routed(
                json!({"preset": "apac-americas", "regions": {"apac": a, "americas": b, "europe": b}, "defaultOriginId": a}),
            ),
            "routing.regions.europe",
        ),
        (routed(json!({"regions": {"apac": a}, "defaultOriginId": a})), "routing.regions"),
        (routed(json!({"map": {"XX": a}, "defaultOriginId": a})), "routing.map.XX"),
        (routed(json!({"map": {"kr": a}, "defaultOriginId": a})), "routing.map.kr"),
        (routed(json!({"map": {"continent:XX": a}, "defaultOriginId": a})), "routing.map.continent:XX"),
        (routed(json!({"map": {"KR": "org-00000000000000ff"}, "defaultOriginId": a})), "routing.map.KR"),
        (routed(json!({"map": {"KR": "not-an-id"}, "defaultOriginId": a})), "routing.map.KR"),
        (routed(json!({"map": {"KR": a}})), "routing.defaultOriginId"),
        (routed(json!({"map": {"KR": a}, "defaultOriginId": api})), "routing.defaultOriginId"),
        (routed(json!({"map": {"KR": a}, "defaultOriginId": a, "extra": true})), "routing.extra"),
        (
            json!({"origins": [a, api], "routing": {"mode": "lambda-edge", "map": {"US": api}, "defaultOriginId": a}}),
            "origins[1]",
        ),
        (
            json!({"origins": [a, "org-00000000000000ee"], "routing": {"map": {"KR": a}, "defaultOriginId": a}}),
            "origins[1]",
        ),
        (json!({"origins": [a, a], "routing": {"map": {"KR": a}, "defaultOriginId": a}}), "origins[1]"),
        (
            routed(
                json!({"map": (0..301).map(|i| (format!("K{i}"), json!(a))).collect::<serde_json::Map<_, _>>(), "defaultOriginId": a}),
            ),
            "routing.map",
        ),
    ];
    for (body, field) in &cases {
        expect_400(&t, Method::POST, "/edge-functions/preview", body, field).await;
    }
}
