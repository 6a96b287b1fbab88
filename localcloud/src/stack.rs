//! Runs a provisioned stack in this process: one long-poll worker per worker queue, the history
//! projector, and the HTTP API on a loopback port.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use cfm_api::{AppState, LocalTokens, Machines};
use cfm_aws::AwsContext;
use cfm_aws::sfn::StepFunctions;
use cfm_ports::Ports;
use cfm_runtime::{TaskWorker, local};
use cfm_tasks::Tasks;
use cfm_tasks::history::HistoryProjector;
use serde_json::json;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::provision::StackResources;

/// Heartbeat interval, well under the ASL `HeartbeatSeconds` (60).
const HEARTBEAT_EVERY: Duration = Duration::from_secs(20);

/// How to run a stack.
#[derive(Debug, Clone, Default)]
pub struct StackOptions {
    /// Interceptors for the workers' AWS clients: tests inject faults here.
    pub worker_interceptors: Vec<SharedInterceptor>,
    /// Interceptors for the API's AWS clients.
    pub api_interceptors: Vec<SharedInterceptor>,
    /// Leave the task workers stopped (tests drive deliveries themselves).
    pub paused_workers: bool,
    /// The API port; `None` picks a free one.
    pub api_port: Option<u16>,
    /// CloudFront calls per second by kind, instead of the local cloud's defaults.
    pub cloudfront_rates: Option<String>,
    /// Start the scheduled workflows this often (the local stand-in for EventBridge Scheduler).
    pub schedule_every: Option<Duration>,
}

/// The worker type serving every task queue.
pub type LocalTaskWorker = TaskWorker<Tasks>;

/// A stack whose workers and API run in this process.
pub struct RunningStack {
    resources: StackResources,
    aws: AwsContext,
    worker: Arc<LocalTaskWorker>,
    tokens: LocalTokens,
    token: String,
    api_url: String,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

fn random_key() -> Vec<u8> {
    [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()].iter().flat_map(|u| u.as_bytes().to_vec()).collect()
}

impl RunningStack {
    /// Starts the API and (unless paused) the workers.
    pub async fn start(aws: &AwsContext, mut resources: StackResources, options: StackOptions) -> anyhow::Result<Self> {
        if let Some(rates) = &options.cloudfront_rates {
            resources.cloudfront_rates = rates.clone();
        }
        let (stop, _) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let tokens = LocalTokens::new(&random_key());
        let token = tokens.issue("local-admin", &[cfm_api::auth::ADMIN_GROUP]);
        let api_aws = options.api_interceptors.iter().fold(aws.clone(), |ctx, i| ctx.with_interceptor(i.clone()));
        let machines = Machines::new(resources.machines.clone());
        let app = cfm_api::router(AppState::new(resources.ports(&api_aws), machines, Arc::new(tokens.clone())));
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], options.api_port.unwrap_or(0)))).await?;
        let api_url = format!("http://{}", listener.local_addr()?);
        let mut stopped = stop.subscribe();
        tasks.spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            if let Err(err) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
                tracing::error!(%err, "the API server stopped");
            }
        });
        let worker_aws = options.worker_interceptors.iter().fold(aws.clone(), |ctx, i| ctx.with_interceptor(i.clone()));
        let worker_ports = resources.ports(&worker_aws);
        let worker = Arc::new(TaskWorker::new(
            Tasks::new(worker_ports.clone()),
            Arc::new(StepFunctions::new(&worker_aws)),
            worker_ports.events.clone(),
            HEARTBEAT_EVERY,
        ));
        let ports = resources.ports(aws);
        let projector = Arc::new(HistoryProjector::new(ports.store.clone()));
        tasks.spawn(local::poll(resources.history_queue.queue(aws), projector, stop.subscribe()));
        if let Some(every) = options.schedule_every {
            tasks.spawn(run_schedules(ports, resources.clone(), every, stop.subscribe()));
        }
        let mut running = Self { resources, aws: worker_aws, worker, tokens, token, api_url, stop, tasks };
        if !options.paused_workers {
            running.start_workers();
        }
        Ok(running)
    }

    /// Starts a long-poll worker on every task queue.
    pub fn start_workers(&mut self) {
        for queue in &self.resources.worker_queues {
            self.tasks.spawn(local::poll(queue.queue(&self.aws), self.worker.clone(), self.stop.subscribe()));
        }
    }

    /// The task worker, for tests that deliver messages themselves.
    pub fn task_worker(&self) -> Arc<LocalTaskWorker> {
        self.worker.clone()
    }

    /// The stack's resources.
    pub fn resources(&self) -> &StackResources {
        &self.resources
    }

    /// The API's base URL.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// An admin bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A token for `sub` in `groups`, signed with this stack's key.
    pub fn issue_token(&self, sub: &str, groups: &[&str]) -> String {
        self.tokens.issue(sub, groups)
    }

    /// Stops the workers and the API and waits for them.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Starts every scheduled workflow of the topology every `every`, until stopped.
async fn run_schedules(ports: Ports, resources: StackResources, every: Duration, mut stop: watch::Receiver<bool>) {
    let topology = cfm_topology::Topology::load();
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        for schedule in &topology.scheduled {
            let Some(machine) = resources.machines.get(&schedule.workflow) else { continue };
            let name = format!("{}.{}", schedule.workflow, uuid::Uuid::new_v4().simple());
            if let Err(err) = ports.workflows.start(machine, &name, &json!({})).await {
                tracing::warn!(workflow = schedule.workflow, error = %err, "could not start a scheduled workflow");
            }
        }
    }
}
