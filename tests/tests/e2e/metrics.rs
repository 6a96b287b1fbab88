//! A distribution's CloudFront metrics, read back from the local cloud's CloudWatch per period
//! (the test writes them there, as CloudFront would on AWS).

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use cfm_e2e::TestStack;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_written_to_cloudwatch_are_read_back_per_period() {
    let t = TestStack::default().await;
    let origin = t.origin("eu-south-1").await;
    let (accepted, view) =
        t.run(Method::POST, "/distributions", Some(&json!({"name": "measured", "originId": origin}))).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let id = accepted["resourceId"].as_str().unwrap();
    let cloudfront =
        t.api.get(&format!("/distributions/{id}")).await.unwrap()["cloudfrontId"].as_str().unwrap().to_owned();

    // Two 5-minute periods an hour ago: 100 then 40 requests; a 5xx rate of 2 % then 4 %.
    let start = (chrono::Utc::now() - chrono::Duration::hours(1)).timestamp() / 300 * 300;
    let datum = |name: &str, at: i64, value: f64| {
        MetricDatum::builder()
            .metric_name(name)
            .dimensions(Dimension::builder().name("DistributionId").value(&cloudfront).build())
            .dimensions(Dimension::builder().name("Region").value("Global").build())
            .timestamp(DateTime::from_secs(at))
            .value(value)
            .build()
    };
    let data = vec![
        datum("Requests", start + 10, 60.0),
        datum("Requests", start + 20, 40.0),
        datum("Requests", start + 310, 40.0),
        datum("5xxErrorRate", start + 10, 2.0),
        datum("5xxErrorRate", start + 310, 4.0),
    ];
    let cloudwatch = t.aws.cloudwatch();
    cloudwatch.put_metric_data().namespace("AWS/CloudFront").set_metric_data(Some(data)).send().await.unwrap();

    let from = chrono::DateTime::from_timestamp(start, 0).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let to =
        chrono::DateTime::from_timestamp(start + 600, 0).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let path = format!(
        "/distributions/{id}/metrics?period=300&from={}&to={}",
        from.replace('+', "%2B"),
        to.replace('+', "%2B")
    );
    let answer = t.api.get(&path).await.unwrap();
    let values = |key: &str| {
        answer["metrics"][key].as_array().unwrap().iter().map(|p| p["value"].as_f64().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(values("requests"), [100.0, 40.0], "summed per period: {answer}");
    assert_eq!(values("errorRate5xx"), [2.0, 4.0], "averaged per period");
    assert_eq!(answer["summary"]["requests"], json!({"value": 140.0, "of": "sum"}));
    assert_eq!(answer["summary"]["errorRate5xx"], json!({"value": 3.0, "of": "mean"}));
    assert_eq!(answer["metrics"]["cacheHitRate"], json!([]), "not written, not invented");
    assert_eq!(answer["cloudfrontId"], cloudfront.as_str());
}
