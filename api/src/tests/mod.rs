//! The HTTP contract, router to ports, over in-memory fakes: status codes, problems, headers,
//! and that a refused request changes nothing.

mod access;
mod bulk;
mod distributions;
mod edge;
mod executions;
mod fleet;
mod openapi;
mod origins;
mod policies;
mod reads;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use cfm_ports::memory::Memory;
use serde_json::Value;
use tower::ServiceExt;

use crate::auth::ADMIN_GROUP;
use crate::{AppState, LocalTokens, Machines};

const WORKFLOWS: &[&str] = &[
    "create-origin",
    "update-origin",
    "delete-origin",
    "create-distribution",
    "update-distribution",
    "replicate-edge-function",
    "delete-distribution",
    "invalidate-distribution",
    "apply-template",
    "bulk-operation",
    "request-certificate",
    "create-policy",
    "update-policy",
    "delete-policy",
];

/// The fakes, the router over them, and tokens for an admin and a reader.
pub(crate) struct Api {
    pub(crate) memory: Memory,
    state: AppState,
    pub(crate) admin: String,
    reader: String,
}

/// An answer.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

impl Answer {
    /// The fields the problems of a 400 name.
    pub(crate) fn fields(&self) -> Vec<&str> {
        self.body["problems"].as_array().into_iter().flatten().filter_map(|p| p["field"].as_str()).collect()
    }
}

impl Api {
    pub(crate) fn new() -> Self {
        let memory = Memory::new();
        let machines = WORKFLOWS
            .iter()
            .map(|w| ((*w).to_owned(), format!("arn:aws:states:us-east-1:123456789012:stateMachine:cfm-{w}")))
            .collect::<BTreeMap<_, _>>();
        let tokens = LocalTokens::new(b"test-key");
        let (admin, reader) = (tokens.issue("alice", &[ADMIN_GROUP]), tokens.issue("bob", &["readers"]));
        let state = AppState::new(memory.ports(), Machines::new(machines), Arc::new(tokens));
        Self { memory, state, admin, reader }
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(body.map_or_else(Body::empty, Body::from)).expect("a request");
        let response = crate::router(self.state.clone()).oneshot(request).await.expect("an answer");
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("a body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status: parts.status, headers: parts.headers, body }
    }

    /// An admin's request.
    pub(crate) async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send(method, path, Some(&self.admin), &[], body.map(|b| b.to_string())).await
    }

    /// An admin's request with an `Idempotency-Key`.
    pub(crate) async fn keyed(&self, method: Method, path: &str, key: &str, body: Value) -> Answer {
        self.send(method, path, Some(&self.admin), &[("idempotency-key", key)], Some(body.to_string())).await
    }

    /// An admin's request with a raw body.
    pub(crate) async fn raw(&self, method: Method, path: &str, body: String) -> Answer {
        self.send(method, path, Some(&self.admin), &[], Some(body)).await
    }

    /// A reader's request.
    pub(crate) async fn reader(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send(method, path, Some(&self.reader), &[], body.map(|b| b.to_string())).await
    }

    /// A request without a token.
    pub(crate) async fn anonymous(&self, method: Method, path: &str) -> Answer {
        self.send(method, path, None, &[], None).await
    }

    /// How many executions were started.
    pub(crate) fn started(&self) -> usize {
        self.memory.workflows.started().len()
    }
}
