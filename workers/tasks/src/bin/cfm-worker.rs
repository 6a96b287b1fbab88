//! The worker Lambda: `CFM_WORKER=tasks` (default) runs task handlers, `CFM_WORKER=history`
//! runs the history projector. Configuration comes from the environment CDK sets.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cfm_aws::events::EventPublisher;
use cfm_aws::sfn::StepFunctions;
use cfm_aws::{AwsContext, Endpoint};
use cfm_runtime::{Settler, TaskWorker, lambda};
use cfm_tasks::history::HistoryProjector;
use cfm_tasks::{Deps, Tasks};

fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).with_context(|| format!("environment variable {name} is not set"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().json().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let aws = AwsContext::load(&Endpoint::Aws).await;
    let bus = std::env::var("CFM_EVENT_BUS").unwrap_or_default();
    let deps = Deps::new(aws.clone(), &env("CFM_TABLE")?, &bus);
    let settler = Settler::new(aws.sqs(), &env("CFM_QUEUE_URL")?, &env("CFM_DLQ_URL")?);
    let result = match std::env::var("CFM_WORKER").as_deref() {
        Ok("history") => lambda::run(Arc::new(HistoryProjector::new(deps.store)), settler).await,
        _ => {
            let events = EventPublisher::new(&aws, &env("CFM_EVENT_BUS")?);
            let worker = TaskWorker::new(Tasks::new(deps), StepFunctions::new(&aws), events, Duration::from_secs(20));
            lambda::run(Arc::new(worker), settler).await
        }
    };
    result.map_err(|e| anyhow::anyhow!(e))
}
