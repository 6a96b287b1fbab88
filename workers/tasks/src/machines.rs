//! The state machines a workflow's tasks start. Nested executions do not run on the local
//! cloud, so a worker starts them through the Step Functions API; the workflow's first Pass
//! state puts their ARNs (`${<Workflow>MachineArn}`) at `$.machines`.

use serde::Deserialize;

/// A workflow's input with the state machines at `$.machines`.
#[derive(Debug, Deserialize)]
pub struct WithMachines<I, M> {
    /// The workflow's input.
    #[serde(flatten)]
    pub input: I,
    /// The state machines.
    pub machines: M,
}

/// `apply-template`'s: the `create-distribution` it runs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateMachine {
    /// `create-distribution`'s ARN.
    pub create_distribution: String,
}

/// The distribution workflows': `retire-edge-function`, for the edge functions they let go of.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetireMachine {
    /// `retire-edge-function`'s ARN.
    pub retire_edge_function: String,
}

/// `bulk-operation`'s: the `update-distribution` each changed item runs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMachine {
    /// `update-distribution`'s ARN.
    pub update_distribution: String,
}
