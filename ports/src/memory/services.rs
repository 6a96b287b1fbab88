//! ACM, Step Functions and the bus in memory: certificates a test puts there, executions and
//! how they end, the events published.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use cfm_domain::certificate::{Certificate, CertificateOrder, CertificateStatus};
use cfm_domain::values::{CertificateArn, Checked, ExecutionArn};
use cfm_events::OutgoingEvent;
use serde_json::Value;

use super::{Faults, guard};
use crate::certificates::Certificates;
use crate::error::PortResult;
use crate::events::EventBus;
use crate::steps::HistoryEntry;
use crate::workflows::{Execution, ExecutionPage, ExecutionStatus, ExecutionSummary, Start, Workflows};

/// ACM.
#[derive(Debug, Default)]
pub struct MemoryCertificates {
    certificates: Mutex<BTreeMap<String, Certificate>>,
    /// Failures to inject, by operation (`certificate`, `list`, `request`).
    pub faults: Faults,
}

impl MemoryCertificates {
    /// Adds (or replaces) a certificate.
    pub fn put(&self, certificate: Certificate) {
        guard(&self.certificates).insert(certificate.arn.as_str().to_owned(), certificate);
    }
}

#[async_trait]
impl Certificates for MemoryCertificates {
    async fn certificate(&self, arn: &CertificateArn) -> PortResult<Option<Certificate>> {
        self.faults.check("certificate")?;
        Ok(guard(&self.certificates).get(arn.as_str()).cloned())
    }

    async fn list(&self, statuses: &[CertificateStatus]) -> PortResult<Vec<Certificate>> {
        self.faults.check("list")?;
        Ok(guard(&self.certificates).values().filter(|c| statuses.contains(&c.status)).cloned().collect())
    }

    async fn request(&self, order: &CertificateOrder, token: &str) -> PortResult<CertificateArn> {
        self.faults.check("request")?;
        let arn =
            CertificateArn::parse(&format!("arn:aws:acm:us-east-1:123456789012:certificate/{token}")).expect("an arn");
        let mut domains = vec![order.domain_name.as_str().to_owned()];
        domains.extend(order.subject_alternative_names.iter().map(|n| n.as_str().to_owned()));
        guard(&self.certificates).entry(arn.as_str().to_owned()).or_insert_with(|| Certificate {
            arn: arn.clone(),
            domain_name: order.domain_name.as_str().to_owned(),
            domains,
            status: CertificateStatus::PendingValidation,
            r#type: Some("AMAZON_ISSUED".into()),
            not_after: None,
            in_use_by: Vec::new(),
            validation_records: Vec::new(),
            failure_reason: None,
        });
        Ok(arn)
    }
}

/// Step Functions.
#[derive(Debug, Default)]
pub struct MemoryWorkflows {
    executions: Mutex<BTreeMap<String, Execution>>,
    histories: Mutex<BTreeMap<String, Vec<HistoryEntry>>>,
    /// Failures to inject, by operation (`start`, `execution`, `list`, `history`).
    pub faults: Faults,
}

/// Executions per listing page: small, so that lists are read across pages.
pub const LIST_PAGE: usize = 3;

impl MemoryWorkflows {
    /// Ends an execution with `status`.
    pub fn end(&self, execution: &ExecutionArn, status: ExecutionStatus) {
        if let Some(e) = guard(&self.executions).get_mut(execution.as_str()) {
            e.status = status;
        }
    }

    /// Every execution started.
    pub fn started(&self) -> Vec<Execution> {
        guard(&self.executions).values().cloned().collect()
    }

    /// Gives an execution its history.
    pub fn set_history(&self, execution: &ExecutionArn, entries: Vec<HistoryEntry>) {
        guard(&self.histories).insert(execution.as_str().to_owned(), entries);
    }
}

#[async_trait]
impl Workflows for MemoryWorkflows {
    async fn start(&self, machine: &str, name: &str, input: &Value) -> PortResult<Start> {
        self.faults.check("start")?;
        let execution = ExecutionArn::of(machine, name);
        let mut executions = guard(&self.executions);
        if let Some(existing) = executions.get(execution.as_str()) {
            return Ok(if existing.input == *input {
                Start::Started { execution, new: false }
            } else {
                Start::NameReused
            });
        }
        let now = cfm_domain::values::Timestamp::at(chrono::Utc::now());
        executions.insert(
            execution.as_str().to_owned(),
            Execution {
                execution_arn: execution.clone(),
                name: name.to_owned(),
                status: ExecutionStatus::Running,
                current_state: None,
                input: input.clone(),
                output: None,
                error: None,
                cause: None,
                started_at: now,
                stopped_at: None,
            },
        );
        Ok(Start::Started { execution, new: true })
    }

    async fn execution(&self, execution: &ExecutionArn) -> PortResult<Option<Execution>> {
        self.faults.check("execution")?;
        Ok(guard(&self.executions).get(execution.as_str()).cloned())
    }

    async fn list(
        &self,
        machine: &str,
        status: Option<ExecutionStatus>,
        token: Option<&str>,
    ) -> PortResult<ExecutionPage> {
        self.faults.check("list")?;
        let mut executions: Vec<ExecutionSummary> = guard(&self.executions)
            .values()
            .filter(|e| e.execution_arn.belongs_to(machine) && status.is_none_or(|s| e.status == s))
            .map(|e| ExecutionSummary {
                execution_arn: e.execution_arn.clone(),
                name: e.name.clone(),
                status: e.status,
                started_at: e.started_at,
                stopped_at: e.stopped_at,
            })
            .collect();
        executions.sort_by(|a, b| b.started_at.cmp(&a.started_at).then_with(|| a.name.cmp(&b.name)));
        let from: usize = token.and_then(|t| t.parse().ok()).unwrap_or(0);
        let next_token = (executions.len() > from + LIST_PAGE).then(|| (from + LIST_PAGE).to_string());
        let executions = executions.into_iter().skip(from).take(LIST_PAGE).collect();
        Ok(ExecutionPage { executions, next_token })
    }

    async fn history(&self, execution: &ExecutionArn) -> PortResult<Vec<HistoryEntry>> {
        self.faults.check("history")?;
        Ok(guard(&self.histories).get(execution.as_str()).cloned().unwrap_or_default())
    }
}

/// The bus.
#[derive(Debug, Default)]
pub struct MemoryEvents {
    published: Mutex<Vec<OutgoingEvent>>,
    /// Failures to inject (`publish`).
    pub faults: Faults,
}

impl MemoryEvents {
    /// The detail-types published so far, in order.
    pub fn detail_types(&self) -> Vec<&'static str> {
        guard(&self.published).iter().map(|e| e.detail_type).collect()
    }

    /// Every event published so far.
    pub fn published(&self) -> Vec<OutgoingEvent> {
        guard(&self.published).clone()
    }
}

#[async_trait]
impl EventBus for MemoryEvents {
    async fn publish(&self, events: &[OutgoingEvent]) -> PortResult<()> {
        self.faults.check("publish")?;
        guard(&self.published).extend_from_slice(events);
        Ok(())
    }
}
