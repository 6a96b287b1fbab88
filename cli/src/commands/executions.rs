//! `cfm executions …`, and following an execution step by step (`--wait`, `watch`): every
//! step from its history as a line, with a live progress line on a terminal.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use clap::Subcommand;

use super::{Output, Page, print, segment};
use crate::client::{ApiClient, Followed, step_line};

#[derive(Debug, Subcommand)]
pub(crate) enum ExecutionsCommand {
    /// List executions, newest first.
    List {
        /// Only this workflow's (e.g. create-distribution).
        #[arg(long)]
        workflow: Option<String>,
        /// Only those in this status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED).
        #[arg(long)]
        status: Option<String>,
        /// Only those about this resource id.
        #[arg(long)]
        resource: Option<String>,
        #[command(flatten)]
        page: Page,
    },
    /// Show an execution.
    Get {
        /// Execution id (from a 202 answer) or ARN.
        id: String,
    },
    /// Every state an execution went through, in order.
    Steps {
        /// Execution id or ARN.
        id: String,
    },
    /// Follow an execution until it ends.
    Watch {
        /// Execution id or ARN.
        id: String,
    },
}

pub(crate) async fn run(client: &ApiClient, output: Output, command: ExecutionsCommand) -> anyhow::Result<()> {
    match command {
        ExecutionsCommand::List { workflow, status, resource, page } => {
            let filters = [("workflow", workflow), ("status", status), ("resourceId", resource)];
            let mut query = page.query();
            for (name, value) in filters {
                if let Some(value) = value {
                    query.push_str(&format!("&{name}={}", segment(&value)));
                }
            }
            let answer = client.get(&format!("/executions?{query}")).await?;
            if output == Output::Json {
                return print(output, &answer);
            }
            for e in answer["executions"].as_array().into_iter().flatten() {
                let text = |f: &str| e[f].as_str().unwrap_or("-").to_owned();
                println!("{:<10} {:<24} {:<22} {}", text("status"), text("workflow"), text("resourceId"), text("name"));
            }
            if let Some(token) = answer["nextToken"].as_str() {
                println!("more: --next-token {token}");
            }
            Ok(())
        }
        ExecutionsCommand::Get { id } => print(output, &client.get(&format!("/executions/{}", segment(&id))).await?),
        ExecutionsCommand::Steps { id } => {
            let answer = client.get(&format!("/executions/{}/steps", segment(&id))).await?;
            if output == Output::Json {
                return print(output, &answer);
            }
            for step in answer["steps"].as_array().into_iter().flatten() {
                println!("  {}", step_line(step));
            }
            Ok(())
        }
        ExecutionsCommand::Watch { id } => follow(client, output, &id).await,
    }
}

/// Follows `execution` to its end: a line per step in text output (and, on a terminal, a
/// progress line with the time so far and the current state); fails unless it succeeded.
pub(crate) async fn follow(client: &ApiClient, output: Output, execution: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    let live = output == Output::Text && std::io::stderr().is_terminal();
    let mut shown = String::new();
    let view = client
        .wait(execution, |followed| match followed {
            Followed::Step(step) if output == Output::Text => {
                if live {
                    eprint!("\r\x1b[2K");
                }
                println!("  {}", step_line(step));
            }
            Followed::Running(view) if live => {
                let state = view["currentState"].as_str().unwrap_or("starting");
                let items = progress_line(view).map(|p| format!(", {p}")).unwrap_or_default();
                eprint!("\r\x1b[2K  … {state} ({:.0} s{items})", started.elapsed().as_secs_f64());
                let _ = std::io::stderr().flush();
            }
            // Not on a terminal: a line each time a bulk operation's counts move.
            Followed::Running(view) if output == Output::Text => {
                if let Some(line) = progress_line(view).filter(|l| *l != shown) {
                    println!("  {line}");
                    shown = line;
                }
            }
            _ => {}
        })
        .await?;
    if live {
        eprint!("\r\x1b[2K");
    }
    match output {
        Output::Json => print(output, &view)?,
        Output::Text => {
            let items = progress_line(&view).map(|p| format!(" ({p})")).unwrap_or_default();
            println!("{}: {}{items}", execution, view["status"].as_str().unwrap_or_default());
        }
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

/// A bulk operation's counts as `n of N done, f failed, s skipped`.
fn progress_line(view: &serde_json::Value) -> Option<String> {
    let p = view.get("progress")?;
    let n = |f: &str| p[f].as_u64().unwrap_or(0);
    Some(format!("{} of {} done, {} failed, {} skipped", n("done"), n("total"), n("failed"), n("skipped")))
}
