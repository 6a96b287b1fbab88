//! What both Lambda binaries share: configuration from the environment CDK sets, and logs as
//! JSON lines for CloudWatch.

use anyhow::Context;
use cfm_domain::rate::CloudFrontRates;

/// The environment variable `name`, which CDK sets.
pub fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).with_context(|| format!("environment variable {name} is not set"))
}

/// CloudFront calls per second by kind, shared by every worker and the API: AWS's defaults,
/// with the ones `CFM_CLOUDFRONT_RATES` names (`invalidation=2,write=1,read=10`).
pub fn cloudfront_rates() -> anyhow::Result<CloudFrontRates> {
    let text = std::env::var("CFM_CLOUDFRONT_RATES").unwrap_or_default();
    CloudFrontRates::parse(&text, CloudFrontRates::AWS).map_err(|p| anyhow::anyhow!("CFM_CLOUDFRONT_RATES: {p}"))
}

/// JSON logs, filtered by `RUST_LOG`.
pub fn init_logs() {
    tracing_subscriber::fmt().json().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
}
