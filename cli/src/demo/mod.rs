//! `cfm demo`: a fresh local cloud, a real scenario through the workflows, a report, exit 0.
//!
//! Create three S3 origins in different regions → update one → create a distribution on it and
//! wait until Deployed → invalidate → update → delete the distribution → delete both origins →
//! show that the history outlived them. Along the way: a distribution that serves `/api/*` from
//! a custom origin (with a cache policy cfm makes) and everything else from both buckets in a
//! failover group, one that routes viewers to one of three buckets by country at the edge (and
//! runs viewers from KR, DE and US through the code it runs), a template (two versions, the
//! first applied with an override), a bulk invalidation over a small fleet, and a certificate
//! request.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::{Value, json};

mod fleet;

use crate::client::{ApiClient, Followed, step_line};
use crate::settings::{Connection, home};
use cfm_localcloud::{LocalCloud, StackOptions};

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
        json!({"name": "Americas assets", "bucketName": format!("cfm-demo-{suffix}-us"), "region": "us-east-1"}),
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
    multi_origin(client, &ids).await?;
    routed(client, &ids).await?;
    fleet::fleet(client, &ids[2], suffix).await?;
    template_and_certificate(client, &ids[0]).await?;

    // created, updated, and (from the distribution) nothing new on the origin itself
    for (id, expected) in ids.iter().zip([2, 1, 1]) {
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
    for (id, expected) in ids.iter().zip([3, 2, 2]) {
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

/// A custom origin for `/api/*` (cached by a cache policy cfm makes) and both buckets in a
/// failover group for the rest; then the distribution, the origin and the policy go.
async fn multi_origin(client: &ApiClient, buckets: &[String]) -> anyhow::Result<()> {
    println!("▶ create cache policy 'api-short' (60 s by default, keyed by the Authorization header)");
    let policy = json!({"name": "api-short", "minTtl": 0, "defaultTtl": 60,
        "maxTtl": 300, "headers": {"behavior": "whitelist", "names": ["Authorization"]}});
    let accepted = client.send(Method::POST, "/cache-policies", Some(&policy), None).await?.ok()?;
    follow(client, &accepted).await?;
    let policy = accepted["resourceId"].as_str().context("no resource id")?.to_owned();
    let shown = client.get(&format!("/cache-policies/{policy}")).await?;
    println!("  {policy}: {} (CloudFront {})", shown["status"], shown["cloudfrontId"]);

    println!("▶ create custom origin 'API' (api.example.com, with a write-only shared-secret header)");
    let api = json!({"type": "custom", "name": "API", "domainName": "api.example.com", "originPath": "/v1",
        "customHeaders": {"X-Origin-Verify": "demo-secret"}});
    let accepted = client.send(Method::POST, "/origins", Some(&api), None).await?.ok()?;
    follow(client, &accepted).await?;
    let api = accepted["resourceId"].as_str().context("no resource id")?.to_owned();
    let shown = client.get(&format!("/origins/{api}")).await?;
    println!("  {api}: {} {}, headers as reads show them: {}", shown["type"], shown["status"], shown["customHeaders"]);

    println!(
        "▶ create a distribution: /api/* → {api}, everything else → {} failing over to {}",
        buckets[0], buckets[1]
    );
    let spec = json!({"name": "Global site", "origins": [buckets[0], buckets[1], api],
        "defaultOriginGroupId": "assets",
        "originGroups": [{"id": "assets", "primaryOriginId": buckets[0], "secondaryOriginId": buckets[1]}],
        "behaviors": [{"pathPattern": "/api/*", "originId": api, "allowedMethods": "ALL",
            "cachePolicy": policy, "originRequestPolicy": "AllViewerExceptHostHeader"}]});
    let accepted = client.send(Method::POST, "/distributions", Some(&spec), None).await?.ok()?;
    follow(client, &accepted).await?;
    let id = accepted["resourceId"].as_str().context("no resource id")?.to_owned();
    let d = client.get(&format!("/distributions/{id}")).await?;
    println!(
        "  {id}: {} over {} origins, behaviours {}, default → {}",
        d["status"],
        d["spec"]["origins"].as_array().map_or(0, Vec::len),
        d["spec"]["behaviors"],
        d["spec"]["defaultTarget"]
    );
    for bucket in buckets {
        let used = client.get(&format!("/origins/{bucket}")).await?["distributions"].clone();
        println!("  {bucket} is used by {used} (its bucket policy grants {id})");
    }
    let accepted = client.send(Method::DELETE, &format!("/distributions/{id}"), None, None).await?.ok()?;
    follow(client, &accepted).await?;
    let accepted = client.send(Method::DELETE, &format!("/origins/{api}"), None, None).await?.ok()?;
    follow(client, &accepted).await?;
    let accepted = client.send(Method::DELETE, &format!("/cache-policies/{policy}"), None, None).await?.ok()?;
    follow(client, &accepted).await?;
    println!("  deleted {id} (every grant revoked), the custom origin {api} and the cache policy {policy}");
    Ok(())
}

/// Route viewers by country over three regions: preview the edge function, create a
/// distribution that runs it, run viewers from KR, DE and US through the code it runs, delete it
/// (and the function with it).
async fn routed(client: &ApiClient, buckets: &[String]) -> anyhow::Result<()> {
    let (europe, asia, americas) = (&buckets[0], &buckets[1], &buckets[2]);
    let routing = json!({"preset": "global-3", "regions": {"apac": asia, "americas": americas, "europe": europe},
        "defaultOriginId": americas});
    println!(
        "▶ preview routing 'global-3': Asia-Pacific → {asia}, the Americas → {americas}, Europe, Africa and the Middle East → {europe}"
    );
    let body = json!({"origins": [americas, europe, asia], "routing": routing});
    let preview = client.send(Method::POST, "/edge-functions/preview", Some(&body), None).await?.ok()?;
    println!("  a CloudFront Function of {} bytes (limit {})", preview["sizeBytes"], preview["limitBytes"]);
    for country in VIEWERS {
        println!(
            "  the table sends a viewer from {country} to {}",
            preview["table"][country].as_str().unwrap_or_default()
        );
    }
    println!("▶ create a distribution that routes so (the function is published first, then associated)");
    let spec = json!({"name": "Routed site", "origins": [americas, europe, asia], "defaultOriginId": americas, "routing": routing});
    let accepted = client.send(Method::POST, "/distributions", Some(&spec), None).await?.ok()?;
    follow(client, &accepted).await?;
    let id = accepted["resourceId"].as_str().context("no resource id")?.to_owned();
    let edge = client.get(&format!("/distributions/{id}")).await?["edgeFunction"]["id"].clone();
    let function = client.get(&format!("/edge-functions/{}", edge.as_str().unwrap_or_default())).await?;
    println!("  {id} runs {} ({}, {})", function["name"], function["status"], function["arn"]);
    let code = function["code"].as_str().unwrap_or_default();
    match crate::viewers::reached(code, "cloudfront-function", &VIEWERS).await {
        Ok(reached) => {
            for country in VIEWERS {
                let origin = reached.get(country).map_or("-", String::as_str);
                let name = client.get(&format!("/origins/{origin}")).await?["name"].clone();
                println!(
                    "  run through the code it runs: a viewer from {country} reaches {origin} ({})",
                    name.as_str().unwrap_or_default()
                );
            }
        }
        Err(err) => println!("  (could not run the code: {err:#})"),
    }
    let accepted = client.send(Method::DELETE, &format!("/distributions/{id}"), None, None).await?.ok()?;
    follow(client, &accepted).await?;
    let function = client.get(&format!("/edge-functions/{}", edge.as_str().unwrap_or_default())).await?;
    println!("  deleted {id}; its function is {}", function["status"]);
    Ok(())
}

/// The viewers the routed distribution is shown with.
const VIEWERS: [&str; 3] = ["KR", "DE", "US"];

/// Request a certificate; create a template, make a second version, apply the first.
async fn template_and_certificate(client: &ApiClient, origin: &str) -> anyhow::Result<()> {
    println!("▶ request a certificate for demo.example.com (the local cloud issues it in ~2 s)");
    let body = json!({"domainName": "demo.example.com", "subjectAlternativeNames": ["www.demo.example.com"]});
    let accepted = client.send(Method::POST, "/certificates", Some(&body), None).await?.ok()?;
    follow(client, &accepted).await?;
    let view = client.get(&format!("/executions/{}", accepted["executionId"].as_str().unwrap_or_default())).await?;
    println!(
        "  issued {}; DNS record to create: {}",
        view["output"]["requested"]["certificateArn"].as_str().unwrap_or_default(),
        view["output"]["validation"]["records"][0]["name"].as_str().unwrap_or_default()
    );

    println!("▶ create template 'Static site' and a second version of it");
    let template = json!({"name": "Static site", "category": "Web", "features": ["spa"],
        "spec": {"defaultRootObject": "index.html", "comment": "static site v1", "customErrorResponses": [{"errorCode": 404, "responseCode": 200, "responsePagePath": "/index.html"}]}});
    let created = client.send(Method::POST, "/templates", Some(&template), None).await?.ok()?;
    let id = created["id"].as_str().context("no template id")?.to_owned();
    let v2 = json!({"spec": {"defaultRootObject": "index.html", "comment": "static site v2", "priceClass": "PriceClass_All"}});
    client.send(Method::PUT, &format!("/templates/{id}"), Some(&v2), None).await?.ok()?;
    let versions = client.get(&format!("/templates/{id}/versions")).await?;
    println!("  {id} has {} versions", versions["count"]);

    println!("▶ apply version 1 of {id} to {origin}, overriding the comment");
    let apply = json!({"name": "From template", "version": 1, "overrides": {"originId": origin, "comment": "applied by the demo"}});
    let accepted = client.send(Method::POST, &format!("/templates/{id}/apply"), Some(&apply), None).await?.ok()?;
    follow(client, &accepted).await?;
    let dist = accepted["resourceId"].as_str().context("no distribution id")?.to_owned();
    let d = client.get(&format!("/distributions/{dist}")).await?;
    println!(
        "  {dist} came from {} v{}: comment '{}', root object '{}'",
        d["template"]["templateId"].as_str().unwrap_or_default(),
        d["template"]["version"],
        d["spec"]["comment"].as_str().unwrap_or_default(),
        d["spec"]["defaultRootObject"].as_str().unwrap_or_default()
    );
    let accepted = client.send(Method::DELETE, &format!("/distributions/{dist}"), None, None).await?.ok()?;
    follow(client, &accepted).await?;
    client.send(Method::DELETE, &format!("/templates/{id}"), None, None).await?.ok()?;
    println!("  deleted {dist} and marked {id} deleted (its versions stay)");
    Ok(())
}

async fn follow(client: &ApiClient, accepted: &Value) -> anyhow::Result<()> {
    let execution = accepted["executionId"].as_str().context("no execution id")?;
    let started = Instant::now();
    let view = client
        .wait(execution, |followed| {
            if let Followed::Step(step) = followed {
                println!("    {}", step_line(step));
            }
        })
        .await?;
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
