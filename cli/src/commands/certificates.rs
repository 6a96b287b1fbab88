//! `cfm certificates …`.

use clap::Subcommand;
use reqwest::Method;
use serde_json::json;

use super::{Mutation, Output, mutate, print, segment};
use crate::client::ApiClient;

#[derive(Debug, Subcommand)]
pub(crate) enum CertificatesCommand {
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

/// Runs a certificates command.
pub(crate) async fn run(client: &ApiClient, output: Output, command: CertificatesCommand) -> anyhow::Result<()> {
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
