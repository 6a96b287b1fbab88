//! The demo's fleet: three distributions made at once, one bulk invalidation over all of them
//! (planned first, then run with its counts), then deleted at once.

use anyhow::Context;
use reqwest::Method;
use serde_json::{Value, json};

use super::follow;
use crate::client::ApiClient;

/// Starts every request, then follows each execution to its end.
async fn all(client: &ApiClient, requests: Vec<(Method, String, Option<Value>)>) -> anyhow::Result<Vec<Value>> {
    let mut accepted = Vec::new();
    for (method, path, body) in requests {
        accepted.push(client.send(method, &path, body.as_ref(), None).await?.ok()?);
    }
    for started in &accepted {
        follow(client, started).await?;
    }
    Ok(accepted)
}

/// Three distributions over `origin`, one bulk invalidation over them, and away again.
pub(super) async fn fleet(client: &ApiClient, origin: &str, tag: &str) -> anyhow::Result<()> {
    println!("▶ a small fleet: three distributions tagged demo={tag}, created at once");
    let creates = (1..=3)
        .map(|n| {
            let spec = json!({"name": format!("Fleet {n}"), "originId": origin, "tags": {"demo": tag}});
            (Method::POST, "/distributions".to_owned(), Some(spec))
        })
        .collect();
    let made = all(client, creates).await?;
    let ids: Vec<String> = made
        .iter()
        .map(|a| a["resourceId"].as_str().map(str::to_owned).context("no resource id"))
        .collect::<Result<_, _>>()?;

    let body = json!({"selector": {"tags": {"demo": tag}}, "paths": ["/index.html", "/assets/*"]});
    println!("▶ plan a bulk invalidation of /index.html and /assets/* on every distribution tagged demo={tag}");
    let plan = client.send(Method::POST, "/bulk/invalidations?dryRun=true", Some(&body), None).await?.ok()?;
    for item in plan["items"].as_array().into_iter().flatten() {
        let what = match item["result"].as_str() {
            Some("PENDING") => "would be invalidated".to_owned(),
            _ => format!("would be left alone: {}", item["reason"].as_str().unwrap_or_default()),
        };
        println!("  {} {what}", item["distributionId"].as_str().unwrap_or_default());
    }
    println!("▶ run it: one bulk-operation execution, its calls under the shared CloudFront rate limit");
    let accepted = client.send(Method::POST, "/bulk/invalidations", Some(&body), None).await?.ok()?;
    follow(client, &accepted).await?;
    let bulk = client.get(&format!("/bulk/{}", accepted["resourceId"].as_str().unwrap_or_default())).await?;
    let p = &bulk["progress"];
    println!(
        "  {}: {} of {} done, {} failed, {} skipped",
        bulk["status"].as_str().unwrap_or_default(),
        p["done"],
        p["total"],
        p["failed"],
        p["skipped"]
    );
    let deletes = ids.iter().map(|id| (Method::DELETE, format!("/distributions/{id}"), None)).collect();
    all(client, deletes).await?;
    println!("  deleted the fleet");
    Ok(())
}
