//! `cfm bulk …`: one invalidation, change or template rollout over many distributions, planned
//! first with `--plan`.

use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::{Map, Value, json};

use super::{Mutation, Output, Page, mutate, print, segment};
use crate::client::ApiClient;

/// Which distributions (every one given must hold).
#[derive(Debug, Args)]
pub(crate) struct SelectorArgs {
    /// These distributions (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    ids: Vec<String>,
    /// Only those with this tag (key=value; repeat for several).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Only those made from this template.
    #[arg(long)]
    template: Option<String>,
    /// Only those serving from this origin.
    #[arg(long)]
    origin: Option<String>,
    /// Only those in this status (DEPLOYED, IN_PROGRESS, FAILED, …).
    #[arg(long)]
    status: Option<String>,
}

impl SelectorArgs {
    fn json(&self) -> anyhow::Result<Value> {
        let mut selector = Map::new();
        if !self.ids.is_empty() {
            selector.insert("distributionIds".into(), json!(self.ids));
        }
        if !self.tags.is_empty() {
            let mut tags = Map::new();
            for tag in &self.tags {
                let (key, value) = tag.split_once('=').ok_or_else(|| anyhow::anyhow!("--tag {tag}: give key=value"))?;
                tags.insert(key.to_owned(), json!(value));
            }
            selector.insert("tags".into(), Value::Object(tags));
        }
        for (field, value) in [("templateId", &self.template), ("originId", &self.origin), ("status", &self.status)] {
            if let Some(value) = value {
                selector.insert(field.into(), json!(value));
            }
        }
        Ok(Value::Object(selector))
    }
}

/// `--plan`, or a run.
#[derive(Debug, Args)]
pub(crate) struct Run {
    /// Show what would happen to each distribution; start nothing.
    #[arg(long)]
    plan: bool,
    #[command(flatten)]
    mutation: Mutation,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BulkCommand {
    /// Invalidate paths on many distributions.
    Invalidate {
        #[command(flatten)]
        selector: SelectorArgs,
        /// A path to invalidate (repeat for several), e.g. /index.html or /images/*.
        #[arg(long = "path", required = true)]
        paths: Vec<String>,
        #[command(flatten)]
        run: Run,
    },
    /// Apply one change to many distributions, each through its own update.
    Update {
        #[command(flatten)]
        selector: SelectorArgs,
        /// The change, as `cfm distributions update` takes it: JSON, e.g. '{"priceClass":"PriceClass_All"}'.
        #[arg(long)]
        patch: String,
        #[command(flatten)]
        run: Run,
    },
    /// Move a template's distributions (or some) to a version: the fields it changed.
    Rollout {
        /// Template id.
        template: String,
        /// The version (default: the latest).
        #[arg(long)]
        version: Option<u32>,
        #[command(flatten)]
        selector: SelectorArgs,
        #[command(flatten)]
        run: Run,
    },
    /// List bulk operations, newest first.
    List {
        #[command(flatten)]
        page: Page,
    },
    /// Show a bulk operation and its counts.
    Get {
        /// Bulk operation id.
        id: String,
    },
    /// A bulk operation's items and their results.
    Items {
        /// Bulk operation id.
        id: String,
        /// Only PENDING, RUNNING, SUCCEEDED, FAILED or SKIPPED ones.
        #[arg(long)]
        result: Option<String>,
    },
    /// Start nothing more: what runs finishes, the rest is skipped.
    Cancel {
        /// Bulk operation id.
        id: String,
    },
    /// Run the failed items of an operation that is over again.
    Retry {
        /// Bulk operation id.
        id: String,
        #[command(flatten)]
        run: Run,
    },
    /// A bulk operation's events.
    History {
        /// Bulk operation id.
        id: String,
    },
}

/// One line per planned item.
fn print_plan(output: Output, plan: &Value) -> anyhow::Result<()> {
    if output == Output::Json {
        return print(output, plan);
    }
    for item in plan["items"].as_array().into_iter().flatten() {
        let id = item["distributionId"].as_str().unwrap_or_default();
        match item["result"].as_str() {
            Some("PENDING") => {
                let changes: Vec<&str> =
                    item["changes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                let what =
                    if changes.is_empty() { "runs".to_owned() } else { format!("changes {}", changes.join(", ")) };
                println!("  {id}  {what}");
            }
            Some("SKIPPED") => println!("  {id}  skipped: {}", item["reason"].as_str().unwrap_or_default()),
            _ => println!("  {id}  fails: {}", item["cause"].as_str().unwrap_or_default()),
        }
    }
    let p = &plan["progress"];
    let runs =
        p["total"].as_u64().unwrap_or(0) - p["skipped"].as_u64().unwrap_or(0) - p["failed"].as_u64().unwrap_or(0);
    println!(
        "plan: {runs} of {} would run, {} skipped, {} would fail; nothing started",
        p["total"], p["skipped"], p["failed"]
    );
    Ok(())
}

async fn start(client: &ApiClient, output: Output, path: &str, body: Option<&Value>, run: &Run) -> anyhow::Result<()> {
    if run.plan {
        let plan = client.send(Method::POST, &format!("{path}?dryRun=true"), body, None).await?.ok()?;
        return print_plan(output, &plan);
    }
    mutate(client, output, Method::POST, path, body, &run.mutation).await
}

/// Runs a bulk command.
pub(crate) async fn run(client: &ApiClient, output: Output, command: BulkCommand) -> anyhow::Result<()> {
    match command {
        BulkCommand::Invalidate { selector, paths, run } => {
            let body = json!({"selector": selector.json()?, "paths": paths});
            start(client, output, "/bulk/invalidations", Some(&body), &run).await
        }
        BulkCommand::Update { selector, patch, run } => {
            let patch: Value = serde_json::from_str(&patch).map_err(|e| anyhow::anyhow!("--patch is not JSON: {e}"))?;
            let body = json!({"selector": selector.json()?, "patch": patch});
            start(client, output, "/bulk/updates", Some(&body), &run).await
        }
        BulkCommand::Rollout { template, version, selector, run } => {
            let mut body = json!({});
            if let Some(version) = version {
                body["version"] = json!(version);
            }
            let selector = selector.json()?;
            if selector.as_object().is_some_and(|s| !s.is_empty()) {
                body["selector"] = selector;
            }
            start(client, output, &format!("/templates/{}/rollout", segment(&template)), Some(&body), &run).await
        }
        BulkCommand::List { page } => print(output, &client.get(&format!("/bulk?{}", page.query())).await?),
        BulkCommand::Get { id } => print(output, &client.get(&format!("/bulk/{}", segment(&id))).await?),
        BulkCommand::Items { id, result } => {
            let filter = result.map(|r| format!("result={}&", segment(&r))).unwrap_or_default();
            let mut token = String::new();
            let mut items = Vec::new();
            loop {
                let page = client.get(&format!("/bulk/{}/items?{filter}nextToken={token}", segment(&id))).await?;
                items.extend(page["items"].as_array().into_iter().flatten().cloned());
                match page["nextToken"].as_str() {
                    Some(next) => token = next.to_owned(),
                    None => break,
                }
            }
            print(output, &json!({"items": items, "count": items.len()}))
        }
        BulkCommand::Cancel { id } => print(
            output,
            &client.send(Method::POST, &format!("/bulk/{}/cancel", segment(&id)), None, None).await?.ok()?,
        ),
        BulkCommand::Retry { id, run } => {
            start(client, output, &format!("/bulk/{}/retry", segment(&id)), None, &run).await
        }
        BulkCommand::History { id } => print(output, &client.get(&format!("/bulk/{}/history", segment(&id))).await?),
    }
}
