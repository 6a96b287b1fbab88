//! `cfm edge …`: the edge functions routing generates.

use clap::Subcommand;
use reqwest::Method;

use super::{Output, print, read_json};
use crate::client::ApiClient;

#[derive(Debug, Subcommand)]
pub(crate) enum EdgeCommand {
    /// Show the function a routing generates, its size and where each country goes; creates
    /// nothing. The file holds {origins: [id, …], routing: {mode?, preset?, regions?, map?,
    /// defaultOriginId}}.
    Preview {
        /// The preview request.
        #[arg(long)]
        file: std::path::PathBuf,
    },
}

/// Runs an edge command.
pub(crate) async fn run(client: &ApiClient, output: Output, command: EdgeCommand) -> anyhow::Result<()> {
    match command {
        EdgeCommand::Preview { file } => {
            let body = read_json(&file)?;
            print(output, &client.send(Method::POST, "/edge-functions/preview", Some(&body), None).await?.ok()?)
        }
    }
}
