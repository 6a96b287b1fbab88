//! `cfm origins …`.

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
        OriginsCommand::List { page } => print(output, &client.get(&format!("/origins?{}", page.query())).await?),
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
