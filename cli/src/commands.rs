//! The `cfm` command line.

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use reqwest::Method;
use serde_json::{Value, json};

use crate::client::ApiClient;
use crate::local::{LocalCloud, StackOptions};
use crate::settings::{Connection, LocalFile, home};

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
    /// S3 origins.
    Origins {
        #[command(subcommand)]
        command: OriginsCommand,
    },
    /// CloudFront distributions.
    Distributions {
        #[command(subcommand)]
        command: DistributionsCommand,
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
    /// Workflow executions.
    Executions {
        #[command(subcommand)]
        command: ExecutionsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum LocalCommand {
    /// Start moto, deploy cfm into it, run workers and API until Ctrl-C or SIGTERM.
    Up {
        /// API port (default: a free one).
        #[arg(long)]
        port: Option<u16>,
    },
}

#[derive(Debug, Args)]
struct Mutation {
    /// Follow the execution until it ends, showing each state.
    #[arg(long)]
    wait: bool,
    /// Makes a retried command start nothing new.
    #[arg(long)]
    idempotency_key: Option<String>,
}

#[derive(Debug, Args)]
struct OriginSettings {
    /// Allowed CORS origin (repeat); enables CORS.
    #[arg(long = "cors-origin")]
    cors_origins: Vec<String>,
    /// Allowed CORS method (repeat; default GET, HEAD).
    #[arg(long = "cors-method")]
    cors_methods: Vec<String>,
    /// Website index document (e.g. index.html); enables website settings.
    #[arg(long)]
    website_index: Option<String>,
    /// Website error document.
    #[arg(long)]
    website_error: Option<String>,
}

impl OriginSettings {
    fn cors(&self) -> Option<Value> {
        (!self.cors_origins.is_empty()).then(|| {
            let methods = if self.cors_methods.is_empty() {
                vec!["GET".to_owned(), "HEAD".to_owned()]
            } else {
                self.cors_methods.clone()
            };
            json!([{"allowedOrigins": self.cors_origins, "allowedMethods": methods}])
        })
    }

    fn website(&self) -> Option<Value> {
        self.website_index.as_ref().map(|index| {
            let mut website = json!({"indexDocument": index});
            if let Some(error) = &self.website_error {
                website["errorDocument"] = json!(error);
            }
            website
        })
    }
}

#[derive(Debug, Subcommand)]
enum OriginsCommand {
    /// Create an S3 origin (bucket + OAC).
    Create {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Bucket name.
        #[arg(long)]
        bucket: String,
        /// AWS region of the bucket.
        #[arg(long)]
        region: String,
        #[command(flatten)]
        settings: OriginSettings,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// List origins.
    List {
        /// Page size (1–100).
        #[arg(long)]
        limit: Option<u32>,
        /// Token from the previous page.
        #[arg(long)]
        next_token: Option<String>,
    },
    /// Show one origin.
    Get {
        /// Origin id.
        id: String,
    },
    /// Change name, CORS or website settings.
    Update {
        /// Origin id.
        id: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        settings: OriginSettings,
        /// Remove the CORS rules.
        #[arg(long, conflicts_with = "cors_origins")]
        no_cors: bool,
        /// Turn website settings off.
        #[arg(long, conflicts_with = "website_index")]
        no_website: bool,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// Delete an origin no distribution uses.
    Delete {
        /// Origin id.
        id: String,
        /// Delete the bucket's objects first.
        #[arg(long)]
        empty_bucket: bool,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// An origin's event history, newest first.
    History {
        /// Origin id.
        id: String,
    },
}

#[derive(Debug, Args)]
struct DistributionSettings {
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
enum DistributionsCommand {
    /// Create a distribution on an origin and wait for nothing (use --wait to follow it).
    Create {
        /// Display name.
        #[arg(long)]
        name: String,
        /// The origin id (org-…).
        #[arg(long)]
        origin: String,
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
        /// Page size (1–100).
        #[arg(long)]
        limit: Option<u32>,
        /// Token from the previous page.
        #[arg(long)]
        next_token: Option<String>,
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
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// Create a template from a JSON file ({name, description, category, features, spec, ssl}).
    Create {
        /// The template body.
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// List templates (deleted ones are hidden).
    List,
    /// Show a template (latest version unless --version).
    Get {
        /// Template id.
        id: String,
        /// Version number.
        #[arg(long)]
        version: Option<u32>,
    },
    /// List a template's versions.
    Versions {
        /// Template id.
        id: String,
    },
    /// Make a new version from a JSON file (fields given replace the current ones).
    Update {
        /// Template id.
        id: String,
        /// The changes.
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// Mark a template deleted (its versions are kept).
    Delete {
        /// Template id.
        id: String,
    },
    /// Create a distribution from a template version.
    Apply {
        /// Template id.
        id: String,
        /// The distribution's name.
        #[arg(long)]
        name: String,
        /// Template version (default: latest).
        #[arg(long)]
        version: Option<u32>,
        /// A JSON file with spec fields that replace the template's.
        #[arg(long)]
        overrides: Option<std::path::PathBuf>,
        #[command(flatten)]
        mutation: Mutation,
    },
}

#[derive(Debug, Subcommand)]
enum CertificatesCommand {
    /// List certificates (default: issued; --status ALL for every status).
    List {
        /// ACM status filter.
        #[arg(long)]
        status: Option<String>,
    },
    /// Show a certificate with its expiry and users.
    Get {
        /// Certificate ARN.
        arn: String,
    },
    /// Request a DNS-validated certificate.
    Request {
        /// The main domain.
        #[arg(long)]
        domain: String,
        /// Another name it should cover (repeat).
        #[arg(long = "alternative-name")]
        alternative_names: Vec<String>,
        #[command(flatten)]
        mutation: Mutation,
    },
}

fn read_json(path: &std::path::Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// Percent-encodes a path segment (certificate ARNs hold ':' and '/').
fn segment(text: &str) -> String {
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

async fn templates(client: &ApiClient, output: Output, command: TemplatesCommand) -> anyhow::Result<()> {
    use TemplatesCommand as T;
    match command {
        T::Create { file } => {
            print(output, &client.send(Method::POST, "/templates", Some(&read_json(&file)?), None).await?.ok()?)
        }
        T::List => print(output, &client.get("/templates").await?),
        T::Get { id, version } => {
            let query = version.map(|v| format!("?version={v}")).unwrap_or_default();
            print(output, &client.get(&format!("/templates/{id}{query}")).await?)
        }
        T::Versions { id } => print(output, &client.get(&format!("/templates/{id}/versions")).await?),
        T::Update { id, file } => print(
            output,
            &client.send(Method::PUT, &format!("/templates/{id}"), Some(&read_json(&file)?), None).await?.ok()?,
        ),
        T::Delete { id } => {
            print(output, &client.send(Method::DELETE, &format!("/templates/{id}"), None, None).await?.ok()?)
        }
        T::Apply { id, name, version, overrides, mutation } => {
            let mut body = json!({"name": name});
            if let Some(version) = version {
                body["version"] = json!(version);
            }
            if let Some(path) = overrides {
                body["overrides"] = read_json(&path)?;
            }
            mutate(client, output, Method::POST, &format!("/templates/{id}/apply"), Some(&body), &mutation).await
        }
    }
}

async fn certificates(client: &ApiClient, output: Output, command: CertificatesCommand) -> anyhow::Result<()> {
    match command {
        CertificatesCommand::List { status } => {
            let query = status.map(|s| format!("?status={s}")).unwrap_or_default();
            print(output, &client.get(&format!("/certificates{query}")).await?)
        }
        CertificatesCommand::Get { arn } => {
            print(output, &client.get(&format!("/certificates/{}", segment(&arn))).await?)
        }
        CertificatesCommand::Request { domain, alternative_names, mutation } => {
            let body = json!({"domainName": domain, "subjectAlternativeNames": alternative_names});
            mutate(client, output, Method::POST, "/certificates", Some(&body), &mutation).await
        }
    }
}

#[derive(Debug, Subcommand)]
enum ExecutionsCommand {
    /// Show an execution.
    Get {
        /// Execution id (from a 202 answer) or ARN.
        id: String,
    },
    /// Follow an execution until it ends.
    Watch {
        /// Execution id or ARN.
        id: String,
    },
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let connect = || Connection::resolve(cli.api_url.clone(), cli.token.clone()).map(ApiClient::new);
    match cli.command {
        Command::Local { command: LocalCommand::Up { port } } => local_up(port).await,
        Command::Demo => crate::demo::run().await,
        Command::Origins { command } => origins(&connect()?, cli.output, command).await,
        Command::Distributions { command } => distributions(&connect()?, cli.output, command).await,
        Command::Templates { command } => templates(&connect()?, cli.output, command).await,
        Command::Certificates { command } => certificates(&connect()?, cli.output, command).await,
        Command::Executions { command } => {
            let client = connect()?;
            match command {
                ExecutionsCommand::Get { id } => print(cli.output, &client.get(&format!("/executions/{id}")).await?),
                ExecutionsCommand::Watch { id } => follow(&client, cli.output, &id).await,
            }
        }
    }
}

async fn origins(client: &ApiClient, output: Output, command: OriginsCommand) -> anyhow::Result<()> {
    match command {
        OriginsCommand::Create { name, bucket, region, settings, mutation } => {
            let mut spec = json!({"name": name, "bucketName": bucket, "region": region});
            if let Some(cors) = settings.cors() {
                spec["cors"] = cors;
            }
            if let Some(website) = settings.website() {
                spec["website"] = website;
            }
            mutate(client, output, Method::POST, "/origins", Some(&spec), &mutation).await
        }
        OriginsCommand::List { limit, next_token } => {
            let mut path = format!("/origins?limit={}", limit.unwrap_or(50));
            if let Some(token) = next_token {
                path.push_str(&format!("&nextToken={token}"));
            }
            print(output, &client.get(&path).await?)
        }
        OriginsCommand::Get { id } => print(output, &client.get(&format!("/origins/{id}")).await?),
        OriginsCommand::Update { id, name, settings, no_cors, no_website, mutation } => {
            let mut patch = json!({});
            if let Some(name) = name {
                patch["name"] = json!(name);
            }
            if let Some(cors) = settings.cors() {
                patch["cors"] = cors;
            } else if no_cors {
                patch["cors"] = Value::Null;
            }
            if let Some(website) = settings.website() {
                patch["website"] = website;
            } else if no_website {
                patch["website"] = Value::Null;
            }
            mutate(client, output, Method::PUT, &format!("/origins/{id}"), Some(&patch), &mutation).await
        }
        OriginsCommand::Delete { id, empty_bucket, mutation } => {
            let path = format!("/origins/{id}?emptyBucket={empty_bucket}");
            mutate(client, output, Method::DELETE, &path, None, &mutation).await
        }
        OriginsCommand::History { id } => print(output, &client.get(&format!("/origins/{id}/history")).await?),
    }
}

async fn distributions(client: &ApiClient, output: Output, command: DistributionsCommand) -> anyhow::Result<()> {
    use DistributionsCommand as D;
    let put = |id: String, body: Value, mutation: Mutation| async move {
        mutate(client, output, Method::PUT, &format!("/distributions/{id}"), Some(&body), &mutation).await
    };
    match command {
        D::Create { name, origin, settings, mutation } => {
            let mut spec = settings.spec()?;
            spec["name"] = json!(name);
            spec["originId"] = json!(origin);
            mutate(client, output, Method::POST, "/distributions", Some(&spec), &mutation).await
        }
        D::List { status, limit, next_token } => {
            let mut path = format!("/distributions?limit={}", limit.unwrap_or(50));
            if let Some(status) = status {
                path.push_str(&format!("&status={status}"));
            }
            if let Some(token) = next_token {
                path.push_str(&format!("&nextToken={token}"));
            }
            print(output, &client.get(&path).await?)
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
    }
}

async fn mutate(
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

async fn follow(client: &ApiClient, output: Output, execution: &str) -> anyhow::Result<()> {
    let view = client
        .wait(execution, |state| {
            if output == Output::Text {
                println!("  → {state}");
            }
        })
        .await?;
    match output {
        Output::Json => print(output, &view)?,
        Output::Text => println!("{}: {}", execution, view["status"].as_str().unwrap_or_default()),
    }
    if view["status"] != "SUCCEEDED" {
        anyhow::bail!(
            "{} failed: {} {}",
            execution,
            view["error"].as_str().unwrap_or_default(),
            view["cause"].as_str().unwrap_or_default()
        );
    }
    Ok(())
}

fn print(output: Output, value: &Value) -> anyhow::Result<()> {
    // Both formats print JSON; text pretty-prints it for reading.
    match output {
        Output::Json => println!("{}", serde_json::to_string(value)?),
        Output::Text => println!("{}", serde_json::to_string_pretty(value)?),
    }
    Ok(())
}

async fn local_up(port: Option<u16>) -> anyhow::Result<()> {
    let home = home();
    let options =
        StackOptions { api_port: port, schedule_every: Some(std::time::Duration::from_secs(60)), ..Default::default() };
    let cloud = LocalCloud::start(&home, "cfm", options).await?;
    let stack = cloud.stack();
    let mut file = LocalFile {
        api_url: stack.api_url().to_owned(),
        aws_endpoint: cloud.moto().endpoint(),
        region: crate::local::cloud::REGION.to_owned(),
        event_bus_name: stack.resources().event_bus.clone(),
        token: stack.token().to_owned(),
        pid: std::process::id(),
        stack: stack.resources().clone(),
    };
    let path = file.write()?;
    println!("cfm is up: API {} (AWS endpoint {})", file.api_url, file.aws_endpoint);
    println!("settings and token: {} — stop with Ctrl-C", path.display());
    // Tokens expire; a fresh one is written well before the one in the file does.
    let mut renew = tokio::time::interval(cfm_api::auth::LOCAL_TOKEN_TTL / 4);
    renew.tick().await;
    let stop = wait_for_stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            result = &mut stop => { result?; break; }
            _ = renew.tick() => {
                file.token = stack.issue_token("local-admin", &[cfm_api::auth::ADMIN_GROUP]);
                if let Err(err) = file.write() {
                    tracing::warn!(error = %err, "could not write a renewed token");
                }
            }
        }
    }
    println!("stopping…");
    LocalFile::remove();
    cloud.shutdown().await;
    Ok(())
}

async fn wait_for_stop_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
    }
    Ok(())
}
