//! Creates a cfm stack in the local cloud from the topology: event bus, a queue and DLQ per
//! worker family, the history rule and queue, the table, and every state machine with its
//! placeholders filled. Running it again changes nothing (state machines get the current
//! definitions).

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType,
};
use aws_sdk_sqs::types::QueueAttributeName;
use cfm_aws::AwsContext;
use cfm_aws::sqs::SqsQueue;
use cfm_aws::store::KIND_INDEX;
use cfm_domain::rate::CloudFrontRates;
use cfm_ports::Ports;
use cfm_ports::tasks::Queue;
use cfm_topology::{Topology, WorkerQueue, definition, fill_placeholders, machine_placeholder};
use serde::{Deserialize, Serialize};

/// A queue and its DLQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuePair {
    /// The worker family.
    pub family: String,
    /// The queue URL.
    pub url: String,
    /// The DLQ URL.
    pub dlq_url: String,
}

/// Everything a stack consists of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackResources {
    /// The stack name (prefix of every resource).
    pub stack: String,
    /// The table.
    pub table: String,
    /// The event bus.
    pub event_bus: String,
    /// Worker queues, one per family.
    pub worker_queues: Vec<QueuePair>,
    /// The history queue.
    pub history_queue: QueuePair,
    /// Workflow → state machine ARN.
    pub machines: BTreeMap<String, String>,
    /// The role Lambda@Edge functions run with.
    #[serde(default)]
    pub edge_role: String,
    /// CloudFront calls per second by kind (`invalidation=50,write=25,read=200`); empty: the
    /// local cloud's defaults.
    #[serde(default)]
    pub cloudfront_rates: String,
}

impl QueuePair {
    /// The queue, to receive from and settle on.
    pub fn queue(&self, aws: &AwsContext) -> Arc<dyn Queue> {
        Arc::new(SqsQueue::new(aws, &self.url, &self.dlq_url))
    }
}

impl StackResources {
    /// Every port over `aws`, for this stack's table and bus.
    pub fn ports(&self, aws: &AwsContext) -> Ports {
        let rates =
            CloudFrontRates::parse(&self.cloudfront_rates, CloudFrontRates::LOCAL).unwrap_or(CloudFrontRates::LOCAL);
        cfm_aws::ports(aws, &self.table, &self.event_bus, &self.edge_role, rates)
    }
}

/// A role ARN for the state machines. moto does not check it; on AWS, CDK makes the real one.
fn states_role(stack: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{stack}-states")
}

/// Provisions stack `stack`.
pub async fn provision(aws: &AwsContext, stack: &str) -> anyhow::Result<StackResources> {
    let topology = Topology::load();
    let event_bus = format!("{stack}-bus");
    create_bus(aws, &event_bus).await?;
    let mut worker_queues = Vec::new();
    for queue in &topology.worker_queues {
        worker_queues.push(create_queue_pair(aws, stack, queue).await?);
    }
    let history_queue = create_queue_pair(aws, stack, &topology.history_queue).await?;
    create_history_rule(aws, stack, &event_bus, &history_queue).await?;
    create_table(aws, stack).await?;
    let edge_role = create_edge_role(aws, stack).await?;
    let mut placeholders: BTreeMap<String, String> = topology
        .worker_queues
        .iter()
        .zip(&worker_queues)
        .map(|(decl, pair)| (decl.placeholder(), pair.url.clone()))
        .collect();
    placeholders.extend(topology.settings.iter().map(|s| (s.name.clone(), s.local.clone())));
    let mut machines = BTreeMap::new();
    for workflow in &topology.state_machines {
        let text = definition(workflow).with_context(|| format!("{workflow} is not embedded"))?;
        let filled = fill_placeholders(text, &placeholders).map_err(anyhow::Error::msg)?;
        let arn =
            put_state_machine(aws, &Topology::machine_name(stack, workflow), &filled, &states_role(stack)).await?;
        if topology.references.contains(workflow) {
            placeholders.insert(machine_placeholder(workflow), arn.clone());
        }
        machines.insert(workflow.clone(), arn);
    }
    Ok(StackResources {
        stack: stack.to_owned(),
        table: stack.to_owned(),
        event_bus,
        worker_queues,
        history_queue,
        machines,
        edge_role,
        cloudfront_rates: String::new(),
    })
}

/// The role Lambda@Edge functions run with, as CDK makes it on AWS: Lambda and Lambda@Edge may
/// assume it (the local cloud's Lambda refuses a function whose role does not exist).
async fn create_edge_role(aws: &AwsContext, stack: &str) -> anyhow::Result<String> {
    let iam = aws.iam();
    let name = format!("{stack}-edge-function");
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]},
            "Action": "sts:AssumeRole"
        }]
    });
    match iam.create_role().role_name(&name).assume_role_policy_document(trust.to_string()).send().await {
        Ok(out) => Ok(out.role().map(|r| r.arn().to_owned()).context("a role without an ARN")?),
        Err(err) if err.as_service_error().is_some_and(|e| e.is_entity_already_exists_exception()) => {
            let role = iam.get_role().role_name(&name).send().await.context("reading the edge role")?;
            Ok(role.role().map(|r| r.arn().to_owned()).context("a role without an ARN")?)
        }
        Err(err) => Err(err).context("creating the edge role"),
    }
}

async fn create_bus(aws: &AwsContext, name: &str) -> anyhow::Result<()> {
    match aws.eventbridge().create_event_bus().name(name).send().await {
        Ok(_) => Ok(()),
        Err(err) if err.as_service_error().is_some_and(|e| e.is_resource_already_exists_exception()) => Ok(()),
        Err(err) => Err(err).context("creating the event bus"),
    }
}

async fn queue_arn(aws: &AwsContext, url: &str) -> anyhow::Result<String> {
    let attrs =
        aws.sqs().get_queue_attributes().queue_url(url).attribute_names(QueueAttributeName::QueueArn).send().await?;
    attrs.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).cloned().context("queue has no ARN")
}

async fn create_queue_pair(aws: &AwsContext, stack: &str, decl: &WorkerQueue) -> anyhow::Result<QueuePair> {
    let sqs = aws.sqs();
    let dlq = sqs
        .create_queue()
        .queue_name(decl.dlq_name(stack))
        .attributes(QueueAttributeName::MessageRetentionPeriod, "1209600")
        .send()
        .await?;
    let dlq_url = dlq.queue_url().context("no DLQ URL")?.to_owned();
    let redrive = serde_json::json!({"deadLetterTargetArn": queue_arn(aws, &dlq_url).await?, "maxReceiveCount": decl.max_receive_count});
    let queue = sqs
        .create_queue()
        .queue_name(decl.queue_name(stack))
        .attributes(QueueAttributeName::VisibilityTimeout, decl.visibility_timeout_seconds.to_string())
        .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
        .send()
        .await
        .with_context(|| format!("creating queue {}", decl.queue_name(stack)))?;
    Ok(QueuePair { family: decl.family.clone(), url: queue.queue_url().context("no queue URL")?.to_owned(), dlq_url })
}

async fn create_history_rule(aws: &AwsContext, stack: &str, bus: &str, queue: &QueuePair) -> anyhow::Result<()> {
    let arn = queue_arn(aws, &queue.url).await?;
    let rule = format!("{stack}-history");
    let events = aws.eventbridge();
    events
        .put_rule()
        .name(&rule)
        .event_bus_name(bus)
        .event_pattern(serde_json::json!({"source": [cfm_events::EVENT_SOURCE]}).to_string())
        .send()
        .await
        .context("creating the history rule")?;
    let target = aws_sdk_eventbridge::types::Target::builder().id("history-queue").arn(&arn).build()?;
    events
        .put_targets()
        .rule(&rule)
        .event_bus_name(bus)
        .targets(target)
        .send()
        .await
        .context("targeting the history queue")?;
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": arn}]
    });
    aws.sqs()
        .set_queue_attributes()
        .queue_url(&queue.url)
        .attributes(QueueAttributeName::Policy, policy.to_string())
        .send()
        .await?;
    Ok(())
}

async fn create_table(aws: &AwsContext, table: &str) -> anyhow::Result<()> {
    let attr =
        |name: &str| AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build();
    let key = |name: &str, kind| KeySchemaElement::builder().attribute_name(name).key_type(kind).build();
    let index = GlobalSecondaryIndex::builder()
        .index_name(KIND_INDEX)
        .key_schema(key("kind", KeyType::Hash)?)
        .key_schema(key("sortKey", KeyType::Range)?)
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()?;
    let result = aws
        .dynamodb()
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk")?)
        .attribute_definitions(attr("sk")?)
        .attribute_definitions(attr("kind")?)
        .attribute_definitions(attr("sortKey")?)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .global_secondary_indexes(index)
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(err) if err.as_service_error().is_some_and(|e| e.is_resource_in_use_exception()) => Ok(()),
        Err(err) => Err(err).context("creating the table"),
    }
}

async fn put_state_machine(aws: &AwsContext, name: &str, definition: &str, role: &str) -> anyhow::Result<String> {
    let sfn = aws.sfn();
    let created = sfn.create_state_machine().name(name).definition(definition).role_arn(role).send().await;
    match created {
        Ok(out) => Ok(out.state_machine_arn().to_owned()),
        Err(err) if err.as_service_error().is_some_and(|e| e.is_state_machine_already_exists()) => {
            let list = sfn.list_state_machines().send().await?;
            let arn = list
                .state_machines()
                .iter()
                .find(|m| m.name() == name)
                .map(|m| m.state_machine_arn().to_owned())
                .with_context(|| format!("state machine {name} exists but is not listed"))?;
            sfn.update_state_machine().state_machine_arn(&arn).definition(definition).role_arn(role).send().await?;
            Ok(arn)
        }
        Err(err) => Err(err).with_context(|| format!("creating state machine {name}")),
    }
}
