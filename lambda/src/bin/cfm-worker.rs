//! The worker Lambda: `CFM_WORKER=tasks` (default) runs the task handlers, `CFM_WORKER=history`
//! the history projector.

use std::sync::Arc;
use std::time::Duration;

use cfm_aws::sqs::SqsQueue;
use cfm_aws::{AwsContext, Endpoint};
use cfm_lambda::{cloudfront_rates, env, init_logs};
use cfm_runtime::{Settler, TaskWorker, lambda};
use cfm_tasks::Tasks;
use cfm_tasks::history::HistoryProjector;

/// How often a running task tells Step Functions it is alive.
const HEARTBEAT: Duration = Duration::from_secs(20);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logs();
    let aws = AwsContext::load(&Endpoint::Aws).await;
    let bus = std::env::var("CFM_EVENT_BUS").unwrap_or_default();
    // Only the Distributions worker makes Lambda@Edge functions; the stack gives it the role.
    let edge_role = std::env::var("CFM_EDGE_ROLE_ARN").unwrap_or_default();
    let ports = cfm_aws::ports(&aws, &env("CFM_TABLE")?, &bus, &edge_role, cloudfront_rates()?);
    let settler = Settler::new(Arc::new(SqsQueue::new(&aws, &env("CFM_QUEUE_URL")?, &env("CFM_DLQ_URL")?)));
    let result = match std::env::var("CFM_WORKER").as_deref() {
        Ok("history") => lambda::run(Arc::new(HistoryProjector::new(ports.store.clone())), settler).await,
        _ => {
            let callbacks = Arc::new(cfm_aws::sfn::StepFunctions::new(&aws));
            let worker = TaskWorker::new(Tasks::new(ports.clone()), callbacks, ports.events.clone(), HEARTBEAT);
            lambda::run(Arc::new(worker), settler).await
        }
    };
    result.map_err(|e| anyhow::anyhow!(e))
}
