//! A typed client for the cfm API, used by the CLI, the demo and the end-to-end tests.

use std::time::Duration;

use anyhow::bail;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::settings::Connection;

/// How often `wait` polls an execution.
const POLL_EVERY: Duration = Duration::from_millis(300);

/// An API answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// The JSON body (`null` if none).
    pub body: Value,
    /// The `Location` header.
    pub location: Option<String>,
}

impl Answer {
    /// The body, or an error explaining a non-2xx answer (with every listed problem).
    pub fn ok(self) -> anyhow::Result<Value> {
        if self.status.is_success() {
            return Ok(self.body);
        }
        let message = self.body["message"].as_str().unwrap_or("request failed");
        let mut text =
            format!("{} {}: {message}", self.status.as_u16(), self.body["error"].as_str().unwrap_or_default());
        for problem in self.body["problems"].as_array().into_iter().flatten() {
            text.push_str(&format!(
                "\n  - {}: {}",
                problem["field"].as_str().unwrap_or("?"),
                problem["message"].as_str().unwrap_or("?")
            ));
        }
        bail!(text)
    }
}

/// The cfm API client.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    connection: Connection,
}

impl ApiClient {
    /// A client for `connection`.
    pub fn new(connection: Connection) -> Self {
        Self { http: reqwest::Client::new(), connection }
    }

    /// Sends a request. `idempotency_key` sets the `Idempotency-Key` header.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> anyhow::Result<Answer> {
        self.send_as(&self.connection.token, method, path, body, idempotency_key).await
    }

    /// Sends a request with another bearer token (tests use it for auth checks).
    pub async fn send_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> anyhow::Result<Answer> {
        let mut request = self.http.request(method, format!("{}{path}", self.connection.api_url)).bearer_auth(token);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = response.text().await?;
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Ok(Answer { status, body, location })
    }

    /// `GET path`, 2xx or an error.
    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.send(Method::GET, path, None, None).await?.ok()
    }

    /// Polls an execution until it ends, calling `on_state` each time it enters a new state.
    /// Returns the final view.
    pub async fn wait(&self, execution_id: &str, mut on_state: impl FnMut(&str)) -> anyhow::Result<Value> {
        let mut last = String::new();
        loop {
            let view = self.get(&format!("/executions/{execution_id}")).await?;
            if let Some(state) = view["currentState"].as_str()
                && state != last
            {
                on_state(state);
                last = state.to_owned();
            }
            if view["status"] != "RUNNING" {
                return Ok(view);
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }
}
