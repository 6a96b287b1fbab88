//! `cfm demo`: a fresh local cloud, a real scenario through the workflows, a report, exit 0.
//!
//! Create two S3 origins in different regions → update one → create a distribution on it and
//! wait until Deployed → invalidate → update → delete the distribution → delete both origins →
//! show that the history outlived them.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::{Value, json};

use crate::client::ApiClient;
use crate::local::{LocalCloud, StackOptions};
use crate::settings::{Connection, home};

/// Runs the demo and stops everything it started.
pub async fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    println!("▶ starting the local cloud (moto) and deploying cfm into it…");
    let cloud = LocalCloud::start(&home(), "cfm-demo", StackOptions::default()).await?;
    println!("  ready in {:.1}s — API {}", started.elapsed().as_secs_f64(), cloud.stack().api_url());
    let client = ApiClient::new(Connection {
        api_url: cloud.stack().api_url().to_owned(),
        token: cloud.stack().token().to_owned(),
    });
    let result = scenario(&client).await;
    cloud.shutdown().await;
    result?;
    println!("✔ demo finished in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

async fn scenario(client: &ApiClient) -> anyhow::Result<()> {
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let specs = [
        json!({"name": "Europe assets", "bucketName": format!("cfm-demo-{suffix}-eu"), "region": "eu-west-1",
               "cors": [{"allowedOrigins": ["https://www.example.com"], "allowedMethods": ["GET", "HEAD"]}]}),
        json!({"name": "Asia assets", "bucketName": format!("cfm-demo-{suffix}-ap"), "region": "ap-northeast-2",
               "website": {"indexDocument": "index.html", "errorDocument": "error.html"}}),
    ];
    let mut ids = Vec::new();
    for spec in &specs {
        println!(
            "▶ create origin '{}' ({} in {})",
            spec["name"].as_str().unwrap_or_default(),
            spec["bucketName"].as_str().unwrap_or_default(),
            spec["region"].as_str().unwrap_or_default()
        );
        let accepted = client
            .send(
                Method::POST,
                "/origins",
                Some(spec),
                Some(&format!("demo-{suffix}-{}", spec["region"].as_str().unwrap_or_default())),
            )
            .await?
            .ok()?;
        follow(client, &accepted).await?;
        let id = accepted["resourceId"].as_str().context("no resource id")?.to_owned();
        let origin = client.get(&format!("/origins/{id}")).await?;
        println!(
            "  {id}: {} bucket {} in {}, OAC {}",
            origin["status"].as_str().unwrap_or_default(),
            origin["bucketName"].as_str().unwrap_or_default(),
            origin["region"].as_str().unwrap_or_default(),
            origin["oacId"].as_str().unwrap_or("-")
        );
        ids.push(id);
    }

    println!("▶ update {}: rename and allow a second CORS origin", ids[0]);
    let patch = json!({"name": "Europe assets (v2)", "cors": [{"allowedOrigins": ["https://www.example.com", "https://app.example.com"], "allowedMethods": ["GET", "HEAD"]}]});
    let accepted = client.send(Method::PUT, &format!("/origins/{}", ids[0]), Some(&patch), None).await?.ok()?;
    follow(client, &accepted).await?;
    println!(
        "  name is now '{}'",
        client.get(&format!("/origins/{}", ids[0])).await?["name"].as_str().unwrap_or_default()
    );

    let list = client.get("/origins?limit=10").await?;
    println!("▶ GET /origins lists {} origin(s)", list["count"]);

    distribution(client, &ids[0]).await?;

    // created, updated, and (from the distribution) nothing new on the origin itself
    for (id, expected) in ids.iter().zip([2, 1]) {
        show_history(client, id, expected).await?;
    }

    for id in &ids {
        println!("▶ delete {id} (emptying its bucket)");
        let accepted =
            client.send(Method::DELETE, &format!("/origins/{id}?emptyBucket=true"), None, None).await?.ok()?;
        follow(client, &accepted).await?;
        let gone = client.send(Method::GET, &format!("/origins/{id}"), None, None).await?;
        println!("  GET /origins/{id} now answers {}", gone.status.as_u16());
    }
    for (id, expected) in ids.iter().zip([3, 2]) {
        show_history(client, id, expected).await?;
    }
    Ok(())
}

/// A distribution's life on `origin`: create → Deployed → invalidate → update → delete.
async fn distribution(client: &ApiClient, origin: &str) -> anyhow::Result<()> {
    println!("▶ create a distribution on {origin} (waits until CloudFront says Deployed)");
    let spec = json!({"name": "Europe site", "originId": origin, "defaultRootObject": "index.html",
        "customErrorResponses": [{"errorCode": 404, "responseCode": 200, "responsePagePath": "/index.html"}]});
    let accepted = client.send(Method::POST, "/distributions", Some(&spec), None).await?.ok()?;
    follow(client, &accepted).await?;
    let id = accepted["resourceId"].as_str().context("no resource id")?.to_owned();
    let d = client.get(&format!("/distributions/{id}")).await?;
    println!(
        "  {id}: {} as {} ({}), CloudFront says {}",
        d["status"].as_str().unwrap_or_default(),
        d["cloudfrontId"].as_str().unwrap_or_default(),
        d["domainName"].as_str().unwrap_or_default(),
        d["live"]["status"].as_str().unwrap_or_default()
    );
    let origin_view = client.get(&format!("/origins/{origin}")).await?;
    println!("  origin {origin} is now used by {}", origin_view["distributions"]);

    println!("▶ invalidate /index.html and /assets/* on {id}");
    let body = json!({"paths": ["/index.html", "/assets/*"]});
    let accepted =
        client.send(Method::POST, &format!("/distributions/{id}/invalidate"), Some(&body), None).await?.ok()?;
    follow(client, &accepted).await?;
    println!(
        "  invalidation {}",
        client.get(&format!("/executions/{}", accepted["executionId"].as_str().unwrap_or_default())).await?["output"]["invalidation"]
            ["invalidationId"]
    );

    println!("▶ update {id}: new comment, all edge locations");
    let patch = json!({"comment": "served from eu-west-1", "priceClass": "PriceClass_All"});
    let accepted = client.send(Method::PUT, &format!("/distributions/{id}"), Some(&patch), None).await?.ok()?;
    follow(client, &accepted).await?;

    println!("▶ delete {id} (one call: disable → wait → delete → clean up the bucket policy)");
    let accepted = client.send(Method::DELETE, &format!("/distributions/{id}"), None, None).await?.ok()?;
    follow(client, &accepted).await?;
    let history = client.get(&format!("/distributions/{id}/history")).await?;
    let types: Vec<&str> =
        history["events"].as_array().into_iter().flatten().filter_map(|e| e["detailType"].as_str()).collect();
    println!("  history of {id}: {}", types.join(" ← "));
    Ok(())
}

async fn follow(client: &ApiClient, accepted: &Value) -> anyhow::Result<()> {
    let execution = accepted["executionId"].as_str().context("no execution id")?;
    let started = Instant::now();
    let view = client.wait(execution, |state| println!("  → {state}")).await?;
    println!(
        "  {} {} in {:.1}s",
        execution,
        view["status"].as_str().unwrap_or_default(),
        started.elapsed().as_secs_f64()
    );
    if view["status"] != "SUCCEEDED" {
        bail!("{execution} ended {}: {} {}", view["status"], view["error"], view["cause"]);
    }
    Ok(())
}

/// Prints an origin's history once the projector has written at least `expected` events.
async fn show_history(client: &ApiClient, id: &str, expected: usize) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let history = client.get(&format!("/origins/{id}/history")).await?;
        let events = history["events"].as_array().cloned().unwrap_or_default();
        if events.len() >= expected || Instant::now() > deadline {
            println!("▶ history of {id} (newest first):");
            for event in &events {
                println!(
                    "  {}  {}  by {}",
                    event["metadata"]["occurredAt"].as_str().unwrap_or_default(),
                    event["detailType"].as_str().unwrap_or_default(),
                    event["metadata"]["actor"].as_str().unwrap_or_default()
                );
            }
            if events.len() < expected {
                bail!("expected {expected} events in the history of {id}, found {}", events.len());
            }
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
