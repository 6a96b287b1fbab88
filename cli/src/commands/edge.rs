//! `cfm edge …`: the edge functions routing generates.

use clap::Subcommand;
use reqwest::Method;

use super::{Mutation, Output, Page, mutate, print, read_json};
use crate::client::ApiClient;

#[derive(Debug, Subcommand)]
pub(crate) enum EdgeCommand {
    /// List edge functions, newest first.
    List {
        /// Only this distribution's.
        #[arg(long)]
        distribution: Option<String>,
        #[command(flatten)]
        page: Page,
    },
    /// Show an edge function: its code, routing, ARN and status.
    Get {
        /// Edge function id.
        id: String,
    },
    /// An edge function's event history, newest first.
    History {
        /// Edge function id.
        id: String,
    },
    /// Show the function a routing generates, its size and where each country goes; creates
    /// nothing. The file holds {origins: [id, …], routing: {mode?, preset?, regions?, map?,
    /// defaultOriginId}}.
    Preview {
        /// The preview request.
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// Publish a routed distribution's edge function again from its routing and its origins as
    /// they are now (after an origin's website documents changed, say), and retire the last.
    Replicate {
        /// Distribution id.
        distribution: String,
        #[command(flatten)]
        mutation: Mutation,
    },
}

/// Runs an edge command.
pub(crate) async fn run(client: &ApiClient, output: Output, command: EdgeCommand) -> anyhow::Result<()> {
    match command {
        EdgeCommand::List { distribution, page } => {
            let filter = distribution.map(|d| format!("&distributionId={d}")).unwrap_or_default();
            print(output, &client.get(&format!("/edge-functions?{}{filter}", page.query())).await?)
        }
        EdgeCommand::Get { id } => print(output, &client.get(&format!("/edge-functions/{id}")).await?),
        EdgeCommand::History { id } => print(output, &client.get(&format!("/edge-functions/{id}/history")).await?),
        EdgeCommand::Preview { file } => {
            let body = read_json(&file)?;
            print(output, &client.send(Method::POST, "/edge-functions/preview", Some(&body), None).await?.ok()?)
        }
        EdgeCommand::Replicate { distribution, mutation } => {
            let path = format!("/distributions/{distribution}/replicate-edge-function");
            mutate(client, output, Method::POST, &path, None, &mutation).await
        }
    }
}
