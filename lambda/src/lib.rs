//! What both Lambda binaries share: configuration from the environment CDK sets, and logs as
//! JSON lines for CloudWatch.

use anyhow::Context;

/// The environment variable `name`, which CDK sets.
pub fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).with_context(|| format!("environment variable {name} is not set"))
}

/// JSON logs, filtered by `RUST_LOG`.
pub fn init_logs() {
    tracing_subscriber::fmt().json().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
}
