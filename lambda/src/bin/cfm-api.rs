//! The API Lambda: the same router as locally, behind API Gateway, verifying Cognito tokens.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use cfm_api::cognito::CognitoVerifier;
use cfm_api::{AllowedOrigins, AppState, Machines};
use cfm_aws::{AwsContext, Endpoint};
use cfm_lambda::{cloudfront_rates, env, init_logs};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logs();
    let machines: BTreeMap<String, String> =
        serde_json::from_str(&env("CFM_MACHINES")?).context("CFM_MACHINES is not a JSON object")?;
    let verifier = CognitoVerifier::new(&env("CFM_COGNITO_ISSUER")?, &env("CFM_COGNITO_CLIENT_ID")?);
    let aws = AwsContext::load(&Endpoint::Aws).await;
    // The API starts workflows and reads; it makes no Lambda@Edge function, so no edge role.
    let ports = cfm_aws::ports(&aws, &env("CFM_TABLE")?, &env("CFM_EVENT_BUS")?, "", cloudfront_rates()?);
    // Browser origins the stack allows (none unless it names some).
    let cors = AllowedOrigins::parse(&std::env::var("CFM_CORS_ORIGINS").unwrap_or_default())?;
    let state = AppState::new(ports, Machines::new(machines), Arc::new(verifier)).with_cors(cors);
    let app = cfm_api::router(state);
    lambda_http::run(app).await.map_err(|e| anyhow::anyhow!(e))
}
