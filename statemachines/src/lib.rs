//! The one declaration of queues, tasks and state machines (`statemachines/topology.json`), and
//! the embedded ASL files it names. Read by the local provisioner, the task dispatch check and
//! the ASL lint; CDK reads the same JSON.

use std::collections::BTreeMap;

use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/definitions.rs"));

const TOPOLOGY_JSON: &str = include_str!("../topology.json");

/// A worker family: one queue (with a DLQ) and the tasks it serves.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerQueue {
    /// `Origins`, … The ASL placeholder is `${<family>QueueUrl}`.
    pub family: String,
    /// SQS visibility timeout.
    pub visibility_timeout_seconds: u32,
    /// Receives before a message moves to the DLQ.
    pub max_receive_count: u32,
    /// The task names this family handles.
    #[serde(default)]
    pub tasks: Vec<String>,
}

impl WorkerQueue {
    /// The ASL placeholder naming this queue's URL.
    pub fn placeholder(&self) -> String {
        format!("{}QueueUrl", self.family)
    }

    /// The queue's name within a stack.
    pub fn queue_name(&self, stack: &str) -> String {
        format!("{stack}-{}", self.family.to_lowercase())
    }

    /// The dead-letter queue's name within a stack.
    pub fn dlq_name(&self, stack: &str) -> String {
        format!("{}-dlq", self.queue_name(stack))
    }
}

/// A deployment setting filled into the ASL as `${name}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Setting {
    /// The placeholder name.
    pub name: String,
    /// The value on the local cloud.
    pub local: String,
    /// The value on AWS.
    pub aws: String,
    /// What it controls.
    pub description: String,
}

/// A workflow started on a schedule (EventBridge Scheduler on AWS; the local runner locally).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Schedule {
    /// The workflow.
    pub workflow: String,
    /// A Scheduler expression, e.g. `rate(5 minutes)`.
    pub rate: String,
}

/// The parsed topology.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Topology {
    /// Task queues, one per worker family.
    pub worker_queues: Vec<WorkerQueue>,
    /// The queue the history rule feeds.
    pub history_queue: WorkerQueue,
    /// Workflow names; each has `statemachines/<name>.asl.json`.
    pub state_machines: Vec<String>,
    /// Non-queue placeholders.
    #[serde(default)]
    pub settings: Vec<Setting>,
    /// Scheduled workflows.
    #[serde(default)]
    pub scheduled: Vec<Schedule>,
    /// Workflows whose ARN later workflows may use, as `${<Workflow>MachineArn}`.
    #[serde(default)]
    pub references: Vec<String>,
}

impl Topology {
    /// The topology compiled into this binary.
    pub fn load() -> Self {
        serde_json::from_str(TOPOLOGY_JSON).expect("statemachines/topology.json is valid")
    }

    /// The queue that serves `task`.
    pub fn queue_for(&self, task: &str) -> Option<&WorkerQueue> {
        self.worker_queues.iter().find(|q| q.tasks.iter().any(|t| t == task))
    }

    /// Every declared task name.
    pub fn tasks(&self) -> impl Iterator<Item = &str> {
        self.worker_queues.iter().flat_map(|q| q.tasks.iter().map(String::as_str))
    }

    /// Every placeholder name the ASL may use.
    pub fn placeholder_names(&self) -> Vec<String> {
        let queues = self.worker_queues.iter().map(WorkerQueue::placeholder);
        let machines = self.references.iter().map(|w| machine_placeholder(w));
        queues.chain(self.settings.iter().map(|s| s.name.clone())).chain(machines).collect()
    }

    /// The state machine's name within a stack.
    pub fn machine_name(stack: &str, workflow: &str) -> String {
        format!("{stack}-{workflow}")
    }
}

/// The placeholder naming a referenced workflow's state machine ARN: `create-distribution` →
/// `CreateDistributionMachineArn`.
pub fn machine_placeholder(workflow: &str) -> String {
    let pascal: String = workflow
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect();
    format!("{pascal}MachineArn")
}

/// The ASL text of `workflow`.
pub fn definition(workflow: &str) -> Option<&'static str> {
    DEFINITIONS.iter().find(|(name, _)| *name == workflow).map(|(_, text)| *text)
}

/// A definition with a placeholder nothing fills.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceholderError {
    /// `${` without its `}`.
    #[error("an unclosed placeholder")]
    Unclosed,
    /// A name with no value.
    #[error("no value for placeholder ${{{0}}}")]
    Unknown(String),
}

/// Replaces every `${Name}` in `text`; an unknown placeholder is an error.
pub fn fill_placeholders(text: &str, values: &BTreeMap<String, String>) -> Result<String, PlaceholderError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').ok_or(PlaceholderError::Unclosed)? + start;
        let name = &rest[start + 2..end];
        out.push_str(values.get(name).ok_or_else(|| PlaceholderError::Unknown(name.to_owned()))?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_machine_is_embedded_and_every_task_has_one_queue() {
        let topology = Topology::load();
        assert_eq!(DEFINITIONS.len(), topology.state_machines.len());
        for name in &topology.state_machines {
            assert!(definition(name).is_some(), "{name} not embedded");
        }
        let mut tasks: Vec<&str> = topology.tasks().collect();
        let count = tasks.len();
        tasks.sort_unstable();
        tasks.dedup();
        assert_eq!(tasks.len(), count, "a task is declared twice");
    }

    #[test]
    fn placeholders_are_filled_or_reported() {
        let values = BTreeMap::from([("A".to_owned(), "1".to_owned())]);
        assert_eq!(fill_placeholders("x${A}y", &values).unwrap(), "x1y");
        assert_eq!(fill_placeholders("${B}", &values).unwrap_err(), PlaceholderError::Unknown("B".into()));
    }
}
