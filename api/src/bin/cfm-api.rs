//! The API Lambda: the same router as locally, behind API Gateway, verifying Cognito tokens.
//! Configuration comes from the environment CDK sets.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use cfm_api::cognito::CognitoVerifier;
use cfm_api::{ApiConfig, AppState};
use cfm_aws::{AwsContext, Endpoint};

fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).with_context(|| format!("environment variable {name} is not set"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().json().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let machines: BTreeMap<String, String> =
        serde_json::from_str(&env("CFM_MACHINES")?).context("CFM_MACHINES is not a JSON object")?;
    let config = ApiConfig { table: env("CFM_TABLE")?, machines, event_bus: env("CFM_EVENT_BUS")? };
    let verifier = CognitoVerifier::new(&env("CFM_COGNITO_ISSUER")?, &env("CFM_COGNITO_CLIENT_ID")?);
    let aws = AwsContext::load(&Endpoint::Aws).await;
    let app = cfm_api::router(AppState::new(aws, config, Arc::new(verifier)));
    lambda_http::run(app).await.map_err(|e| anyhow::anyhow!(e))
}
