//! `cfm origins …`.

use anyhow::Context;
use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Mutation, Output, Page, mutate, print};
use crate::client::ApiClient;

#[derive(Debug, Args)]
pub(crate) struct OriginSettings {
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

#[derive(Debug, Args)]
pub(crate) struct CustomSettings {
    /// URL path put before every request (e.g. /production).
    #[arg(long)]
    origin_path: Option<String>,
    /// HTTP port (80, 443 or 1024-65535).
    #[arg(long)]
    http_port: Option<i64>,
    /// HTTPS port (80, 443 or 1024-65535).
    #[arg(long)]
    https_port: Option<i64>,
    /// http-only, match-viewer or https-only.
    #[arg(long)]
    protocol_policy: Option<String>,
    /// TLSv1, TLSv1.1 or TLSv1.2.
    #[arg(long)]
    minimum_tls_version: Option<String>,
    /// Seconds CloudFront waits for a response (1-180).
    #[arg(long)]
    read_timeout: Option<i64>,
    /// Seconds CloudFront keeps an idle connection (1-180).
    #[arg(long)]
    keepalive_timeout: Option<i64>,
    /// A header sent to the origin, NAME=VALUE (repeat; replaces them all). Values are write-only;
    /// prefer --headers-file for secrets, which keeps them out of the shell's history.
    #[arg(long = "header", value_parser = header)]
    headers: Vec<(String, String)>,
    /// A JSON file `{"Name": "value", …}` of headers sent to the origin (replaces them all).
    #[arg(long, conflicts_with = "headers")]
    headers_file: Option<std::path::PathBuf>,
}

fn header(text: &str) -> Result<(String, String), String> {
    text.split_once('=').map(|(n, v)| (n.to_owned(), v.to_owned())).ok_or_else(|| "expected NAME=VALUE".to_owned())
}

impl CustomSettings {
    /// Sets the given fields on `body`.
    fn fill(&self, body: &mut Value) -> anyhow::Result<()> {
        let texts = [
            ("originPath", &self.origin_path),
            ("protocolPolicy", &self.protocol_policy),
            ("minimumTlsVersion", &self.minimum_tls_version),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                body[key] = json!(value);
            }
        }
        for (key, value) in [
            ("httpPort", self.http_port),
            ("httpsPort", self.https_port),
            ("readTimeoutSeconds", self.read_timeout),
            ("keepaliveTimeoutSeconds", self.keepalive_timeout),
        ] {
            if let Some(value) = value {
                body[key] = json!(value);
            }
        }
        if !self.headers.is_empty() {
            body["customHeaders"] = self.headers.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
        }
        if let Some(path) = &self.headers_file {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            body["customHeaders"] = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a JSON object of header names and values", path.display()))?;
        }
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum OriginsCommand {
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
    /// Create a custom origin: any HTTP(S) server reached by DNS name.
    CreateCustom {
        /// Display name.
        #[arg(long)]
        name: String,
        /// The origin's DNS name (e.g. api.example.com).
        #[arg(long)]
        domain: String,
        #[command(flatten)]
        settings: CustomSettings,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// List origins.
    List {
        #[command(flatten)]
        page: Page,
    },
    /// Show one origin.
    Get {
        /// Origin id.
        id: String,
    },
    /// Change the name, an S3 origin's CORS or website settings, or a custom origin's settings.
    Update {
        /// Origin id.
        id: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// A custom origin's new DNS name.
        #[arg(long)]
        domain: Option<String>,
        #[command(flatten)]
        settings: OriginSettings,
        #[command(flatten)]
        custom: CustomSettings,
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

/// Runs an origins command.
pub(crate) async fn run(client: &ApiClient, output: Output, command: OriginsCommand) -> anyhow::Result<()> {
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
        OriginsCommand::CreateCustom { name, domain, settings, mutation } => {
            let mut spec = json!({"type": "custom", "name": name, "domainName": domain});
            settings.fill(&mut spec)?;
            mutate(client, output, Method::POST, "/origins", Some(&spec), &mutation).await
        }
        OriginsCommand::List { page } => print(output, &client.get(&format!("/origins?{}", page.query())).await?),
        OriginsCommand::Get { id } => print(output, &client.get(&format!("/origins/{id}")).await?),
        OriginsCommand::Update { id, name, domain, settings, custom, no_cors, no_website, mutation } => {
            let mut patch = json!({});
            if let Some(name) = name {
                patch["name"] = json!(name);
            }
            if let Some(domain) = domain {
                patch["domainName"] = json!(domain);
            }
            custom.fill(&mut patch)?;
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
