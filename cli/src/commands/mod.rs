//! The `cfm` command line: the parsed arguments, one module per resource, and what every
//! command shares (starting a workflow, following it, printing).

mod bulk;
mod certificates;
mod distributions;
mod edge;
mod executions;
mod local;
mod metrics;
mod origins;
mod policies;
mod templates;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use reqwest::Method;
use serde_json::Value;

use bulk::BulkCommand;
use certificates::CertificatesCommand;
use distributions::DistributionsCommand;
use edge::EdgeCommand;
use executions::{ExecutionsCommand, follow};
use local::LocalCommand;
use origins::OriginsCommand;
use policies::PoliciesCommand;
use templates::TemplatesCommand;

use crate::client::ApiClient;
use crate::settings::Connection;

/// cfm — CloudFront Manager.
#[derive(Debug, Parser)]
#[command(name = "cfm", version, about)]
pub struct Cli {
    /// API base URL (default: from .cfm/local.json).
    #[arg(long, global = true, env = "CFM_API_URL")]
    api_url: Option<String>,
    /// Bearer token (default: from .cfm/local.json).
    #[arg(long, global = true, env = "CFM_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Output::Text)]
    output: Output,
    #[command(subcommand)]
    command: Command,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// For people.
    Text,
    /// For scripts: one JSON document.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The local cloud.
    Local {
        #[command(subcommand)]
        command: LocalCommand,
    },
    /// Run the demo scenario on a fresh local cloud.
    Demo,
    /// Origins: S3 buckets and custom servers.
    Origins {
        #[command(subcommand)]
        command: OriginsCommand,
    },
    /// CloudFront distributions.
    Distributions {
        #[command(subcommand)]
        command: DistributionsCommand,
    },
    /// Cache policies: TTLs and what the cache key holds, for behaviours to name by id.
    CachePolicies {
        #[command(subcommand)]
        command: PoliciesCommand,
    },
    /// Origin-request policies: what reaches the origin besides the cache key.
    OriginRequestPolicies {
        #[command(subcommand)]
        command: PoliciesCommand,
    },
    /// Edge functions that route viewers to origins by country.
    Edge {
        #[command(subcommand)]
        command: EdgeCommand,
    },
    /// Distribution templates (versioned).
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
    /// ACM certificates for CloudFront (us-east-1).
    Certificates {
        #[command(subcommand)]
        command: CertificatesCommand,
    },
    /// One invalidation, change or template rollout over many distributions.
    Bulk {
        #[command(subcommand)]
        command: BulkCommand,
    },
    /// Workflow executions.
    Executions {
        #[command(subcommand)]
        command: ExecutionsCommand,
    },
    /// The fleet at a glance: distributions by status, drifted, busy and failed; origins, edge
    /// functions and certificates.
    Fleet,
}

#[derive(Debug, Args)]
pub(crate) struct Mutation {
    /// Follow the execution until it ends, showing each state.
    #[arg(long)]
    wait: bool,
    /// Makes a retried command start nothing new.
    #[arg(long)]
    idempotency_key: Option<String>,
}

/// `--limit` and `--next-token` on lists.
#[derive(Debug, Args)]
pub(crate) struct Page {
    /// Page size (1–100).
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Token from the previous page.
    #[arg(long)]
    next_token: Option<String>,
}

impl Page {
    /// As a query string.
    pub(crate) fn query(&self) -> String {
        let token = self.next_token.as_ref().map(|t| format!("&nextToken={}", segment(t))).unwrap_or_default();
        format!("limit={}{token}", self.limit)
    }
}

pub(crate) fn read_json(path: &std::path::Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// Percent-encodes a path segment (certificate ARNs hold ':' and '/').
pub(crate) fn segment(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let connect = || Connection::resolve(cli.api_url.clone(), cli.token.clone()).map(ApiClient::new);
    match cli.command {
        Command::Local { command } => local::run(command).await,
        Command::Demo => crate::demo::run().await,
        Command::Origins { command } => origins::run(&connect()?, cli.output, command).await,
        Command::Distributions { command } => distributions::run(&connect()?, cli.output, command).await,
        Command::CachePolicies { command } => policies::run(&connect()?, cli.output, "/cache-policies", command).await,
        Command::OriginRequestPolicies { command } => {
            policies::run(&connect()?, cli.output, "/origin-request-policies", command).await
        }
        Command::Edge { command } => edge::run(&connect()?, cli.output, command).await,
        Command::Templates { command } => templates::run(&connect()?, cli.output, command).await,
        Command::Certificates { command } => certificates::run(&connect()?, cli.output, command).await,
        Command::Bulk { command } => bulk::run(&connect()?, cli.output, command).await,
        Command::Executions { command } => executions::run(&connect()?, cli.output, command).await,
        Command::Fleet => print(cli.output, &connect()?.get("/fleet").await?),
    }
}

pub(crate) async fn mutate(
    client: &ApiClient,
    output: Output,
    method: Method,
    path: &str,
    body: Option<&Value>,
    mutation: &Mutation,
) -> anyhow::Result<()> {
    let accepted = client.send(method, path, body, mutation.idempotency_key.as_deref()).await?.ok()?;
    let execution = accepted["executionId"].as_str().context("the API answered without an execution")?.to_owned();
    if !mutation.wait {
        return print(output, &accepted);
    }
    if output == Output::Text {
        println!("started {execution} for {}", accepted["resourceId"].as_str().unwrap_or_default());
    }
    follow(client, output, &execution).await
}

pub(crate) fn print(output: Output, value: &Value) -> anyhow::Result<()> {
    // Both formats print JSON; text pretty-prints it for reading.
    match output {
        Output::Json => println!("{}", serde_json::to_string(value)?),
        Output::Text => println!("{}", serde_json::to_string_pretty(value)?),
    }
    Ok(())
}
