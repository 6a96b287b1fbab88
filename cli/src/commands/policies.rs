//! `cfm cache-policies …` and `cfm origin-request-policies …`: one set of commands, each
//! over its kind's resource path.

use clap::Subcommand;
use reqwest::Method;

use super::{Mutation, Output, Page, mutate, print, read_json};
use crate::client::ApiClient;

#[derive(Debug, Subcommand)]
pub(crate) enum PoliciesCommand {
    /// Create a policy from a JSON file: {name, comment, headers, cookies, queryStrings, …}
    /// (cache policies also minTtl, defaultTtl, maxTtl, gzip, brotli).
    Create {
        /// The policy.
        #[arg(long)]
        file: std::path::PathBuf,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// List policies, newest first.
    List {
        #[command(flatten)]
        page: Page,
    },
    /// Show a policy and the distributions using it.
    Get {
        /// Policy id.
        id: String,
    },
    /// Replace a policy's settings with a JSON file's (the whole policy, as for create).
    Update {
        /// Policy id.
        id: String,
        /// The policy.
        #[arg(long)]
        file: std::path::PathBuf,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// Delete a policy no distribution uses.
    Delete {
        /// Policy id.
        id: String,
        #[command(flatten)]
        mutation: Mutation,
    },
    /// A policy's event history, newest first.
    History {
        /// Policy id.
        id: String,
    },
}

/// Runs a policies command on `base` (`/cache-policies` or `/origin-request-policies`).
pub(crate) async fn run(
    client: &ApiClient,
    output: Output,
    base: &str,
    command: PoliciesCommand,
) -> anyhow::Result<()> {
    use PoliciesCommand as P;
    match command {
        P::Create { file, mutation } => {
            mutate(client, output, Method::POST, base, Some(&read_json(&file)?), &mutation).await
        }
        P::List { page } => print(output, &client.get(&format!("{base}?{}", page.query())).await?),
        P::Get { id } => print(output, &client.get(&format!("{base}/{id}")).await?),
        P::Update { id, file, mutation } => {
            mutate(client, output, Method::PUT, &format!("{base}/{id}"), Some(&read_json(&file)?), &mutation).await
        }
        P::Delete { id, mutation } => {
            mutate(client, output, Method::DELETE, &format!("{base}/{id}"), None, &mutation).await
        }
        P::History { id } => print(output, &client.get(&format!("{base}/{id}/history")).await?),
    }
}
