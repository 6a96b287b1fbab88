//! `cfm templates …`.

use clap::Subcommand;
use reqwest::Method;
use serde_json::json;

use super::{Mutation, Output, mutate, print, read_json};
use crate::client::ApiClient;

#[derive(Debug, Subcommand)]
pub(crate) enum TemplatesCommand {
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

/// Runs a templates command.
pub(crate) async fn run(client: &ApiClient, output: Output, command: TemplatesCommand) -> anyhow::Result<()> {
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
