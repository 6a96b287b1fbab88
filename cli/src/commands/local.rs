//! `cfm local up`: the local cloud in the foreground, until Ctrl-C or SIGTERM.

use cfm_localcloud::{LocalCloud, StackOptions};
use clap::Subcommand;

use crate::settings::{LocalFile, home};

#[derive(Debug, Subcommand)]
pub(crate) enum LocalCommand {
    /// Start moto, deploy cfm into it, run workers and API until Ctrl-C or SIGTERM.
    Up {
        /// API port (default: a free one).
        #[arg(long)]
        port: Option<u16>,
    },
}

/// Runs a local command.
pub(crate) async fn run(command: LocalCommand) -> anyhow::Result<()> {
    match command {
        LocalCommand::Up { port } => up(port).await,
    }
}

/// The console's address, signing its visitor in with `token` (kept in the fragment, which the
/// browser never sends to the server).
pub(crate) fn console_url(api_url: &str, token: &str) -> String {
    format!("{}/console#token={token}", api_url.trim_end_matches('/'))
}

async fn up(port: Option<u16>) -> anyhow::Result<()> {
    let home = home();
    let options =
        StackOptions { api_port: port, schedule_every: Some(std::time::Duration::from_secs(60)), ..Default::default() };
    let cloud = LocalCloud::start(&home, "cfm", options).await?;
    let stack = cloud.stack();
    let mut file = LocalFile {
        api_url: stack.api_url().to_owned(),
        aws_endpoint: cloud.moto().endpoint(),
        region: cfm_localcloud::cloud::REGION.to_owned(),
        event_bus_name: stack.resources().event_bus.clone(),
        token: stack.token().to_owned(),
        pid: std::process::id(),
        stack: stack.resources().clone(),
    };
    let path = file.write()?;
    println!("cfm is up: API {} (AWS endpoint {})", file.api_url, file.aws_endpoint);
    println!("console: {}", console_url(&file.api_url, &file.token));
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
