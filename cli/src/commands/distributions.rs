//! `cfm distributions …`.

use anyhow::Context;
use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Mutation, Output, Page, mutate, print, segment};
use crate::client::ApiClient;

#[derive(Debug, Args)]
pub(crate) struct DistributionSettings {
    /// A JSON file with spec fields; flags override it.
    #[arg(long)]
    spec_file: Option<std::path::PathBuf>,
    /// Alternate domain name (repeat); needs --certificate-arn.
    #[arg(long = "alias")]
    aliases: Vec<String>,
    /// ACM certificate ARN (us-east-1).
    #[arg(long)]
    certificate_arn: Option<String>,
    /// PriceClass_100, PriceClass_200 or PriceClass_All.
    #[arg(long)]
    price_class: Option<String>,
    /// Object served for `/`.
    #[arg(long)]
    default_root_object: Option<String>,
    /// Comment.
    #[arg(long)]
    comment: Option<String>,
    /// Keep Route 53 alias records (A and AAAA) pointing each alias at the distribution.
    #[arg(long)]
    create_alias_records: Option<bool>,
    /// Alarm in CloudWatch when more than this percentage of responses are 5xx.
    #[arg(long, value_name = "PERCENT")]
    alarm_5xx_percent: Option<f64>,
}

impl DistributionSettings {
    fn spec(&self) -> anyhow::Result<Value> {
        let mut spec = match &self.spec_file {
            Some(path) => serde_json::from_str(
                &std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            )
            .with_context(|| format!("{} is not JSON", path.display()))?,
            None => json!({}),
        };
        if !self.aliases.is_empty() {
            spec["aliases"] = json!(self.aliases);
        }
        if let Some(create) = self.create_alias_records {
            spec["createAliasRecords"] = json!(create);
        }
        if let Some(percent) = self.alarm_5xx_percent {
            spec["alarms"] = json!({"errorRate5xxPercent": percent});
        }
        for (key, value) in [
            ("certificateArn", &self.certificate_arn),
            ("priceClass", &self.price_class),
            ("defaultRootObject", &self.default_root_object),
            ("comment", &self.comment),
        ] {
            if let Some(value) = value {
                spec[key] = json!(value);
            }
        }
        Ok(spec)
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum DistributionsCommand {
    /// Create a distribution on one origin or several and wait for nothing (use --wait to follow
    /// it). Behaviours and origin groups come from --spec-file.
    Create {
        /// Display name.
        #[arg(long)]
        name: String,
        /// An origin id (org-…); repeat for several (the first serves by default).
        #[arg(long = "origin")]
        origins: Vec<String>,
        /// Route viewers by country with a preset: its regions take the origins in order
        /// (apac-americas: apac, americas; global-3: apac, americas, europe). For a map, use
        /// --spec-file with `routing`.
        #[arg(long, value_parser = ["apac-americas", "global-3"])]
        routing: Option<String>,
        #[command(flatten)]
        settings: DistributionSettings,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// List distributions.
    List {
        /// Only those in this status (CREATING, IN_PROGRESS, DEPLOYED, UPDATING, DELETING, FAILED).
        #[arg(long)]
        status: Option<String>,
        /// Only those changed outside cfm (true) or not (false).
        #[arg(long)]
        drifted: Option<bool>,
        /// Only those made from this template.
        #[arg(long)]
        template: Option<String>,
        /// Only those serving from this origin.
        #[arg(long)]
        origin: Option<String>,
        /// Only those with this tag: key=value.
        #[arg(long)]
        tag: Option<String>,
        /// Order by name, status, createdAt or updatedAt (- first for descending).
        #[arg(long, allow_hyphen_values = true)]
        sort: Option<String>,
        #[command(flatten)]
        page: Page,
    },
    /// Show one distribution with CloudFront's live status.
    Get {
        /// Distribution id.
        id: String,
    },
    /// Show the deployment status.
    Status {
        /// Distribution id.
        id: String,
    },
    /// Change settings (only the ones given).
    Update {
        /// Distribution id.
        id: String,
        #[command(flatten)]
        settings: DistributionSettings,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// Enable a distribution.
    Enable {
        /// Distribution id.
        id: String,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// Disable a distribution.
    Disable {
        /// Distribution id.
        id: String,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// Delete a distribution (disable, wait, delete, clean up) in one call.
    Delete {
        /// Distribution id.
        id: String,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// Invalidate cached paths.
    Invalidate {
        /// Distribution id.
        id: String,
        /// Paths, e.g. /index.html /images/*.
        #[arg(required = true)]
        paths: Vec<String>,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// A distribution's event history, newest first.
    History {
        /// Distribution id.
        id: String,
    },
    /// CloudFront's metrics: requests, bytes, error rates, cache hit rate (a sparkline each on
    /// a terminal).
    Metrics {
        /// Distribution id.
        id: String,
        /// Seconds per point, a multiple of 60 (default 300).
        #[arg(long)]
        period: Option<String>,
        /// From (RFC 3339; default: 3 hours before --to).
        #[arg(long)]
        from: Option<String>,
        /// To (RFC 3339; default: now).
        #[arg(long)]
        to: Option<String>,
    },
}

/// Runs a distributions command.
pub(crate) async fn run(client: &ApiClient, output: Output, command: DistributionsCommand) -> anyhow::Result<()> {
    use DistributionsCommand as D;
    let put = |id: String, body: Value, mutation: Mutation| async move {
        mutate(client, output, Method::PUT, &format!("/distributions/{id}"), Some(&body), &mutation).await
    };
    match command {
        D::Create { name, origins, routing, settings, mutation } => {
            let mut spec = settings.spec()?;
            spec["name"] = json!(name);
            if let Some(preset) = routing {
                let names: &[&str] =
                    if preset == "global-3" { &["apac", "americas", "europe"] } else { &["apac", "americas"] };
                let regions: serde_json::Map<String, serde_json::Value> =
                    names.iter().zip(&origins).map(|(r, o)| ((*r).to_owned(), json!(o))).collect();
                spec["routing"] = json!({"preset": preset, "regions": regions, "defaultOriginId": origins.first()});
            }
            match origins.as_slice() {
                [] => {}
                [one] => spec["originId"] = json!(one),
                several => spec["origins"] = json!(several),
            }
            mutate(client, output, Method::POST, "/distributions", Some(&spec), &mutation).await
        }
        D::List { status, drifted, template, origin, tag, sort, page } => {
            let filters = [
                ("status", status),
                ("drifted", drifted.map(|d| d.to_string())),
                ("templateId", template),
                ("originId", origin),
                ("tag", tag),
                ("sort", sort),
            ];
            let query: String =
                filters.iter().filter_map(|(k, v)| Some(format!("&{k}={}", segment(v.as_ref()?)))).collect();
            print(output, &client.get(&format!("/distributions?{}{query}", page.query())).await?)
        }
        D::Get { id } => print(output, &client.get(&format!("/distributions/{id}")).await?),
        D::Status { id } => print(output, &client.get(&format!("/distributions/{id}/status")).await?),
        D::Update { id, settings, mutation } => put(id, settings.spec()?, mutation).await,
        D::Enable { id, mutation } => put(id, json!({"enabled": true}), mutation).await,
        D::Disable { id, mutation } => put(id, json!({"enabled": false}), mutation).await,
        D::Delete { id, mutation } => {
            mutate(client, output, Method::DELETE, &format!("/distributions/{id}"), None, &mutation).await
        }
        D::Invalidate { id, paths, mutation } => {
            let body = json!({ "paths": paths });
            mutate(client, output, Method::POST, &format!("/distributions/{id}/invalidate"), Some(&body), &mutation)
                .await
        }
        D::History { id } => print(output, &client.get(&format!("/distributions/{id}/history")).await?),
        D::Metrics { id, period, from, to } => {
            super::metrics::run(client, output, &id, [("period", period), ("from", from), ("to", to)]).await
        }
    }
}
