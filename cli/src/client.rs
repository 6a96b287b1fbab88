//! A typed client for the cfm API, used by the CLI, the demo and the end-to-end tests.

use std::time::Duration;

use anyhow::bail;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::settings::Connection;

/// How often `wait` polls an execution.
const POLL_EVERY: Duration = Duration::from_millis(300);

/// What following an execution tells.
#[derive(Debug, Clone, Copy)]
pub enum Followed<'a> {
    /// A step is over (`GET /executions/{id}/steps` shape).
    Step(&'a Value),
    /// It still runs (`GET /executions/{id}` shape).
    Running(&'a Value),
}

/// One line for a step: how it went, its name and type, how long it took, its retries and
/// error.
pub fn step_line(step: &Value) -> String {
    let mark = match step["outcome"].as_str() {
        Some("succeeded") => "✓",
        Some("caught") => "↷",
        Some("failed") => "✗",
        _ => "…",
    };
    let mut line =
        format!("{mark} {} ({}", step["name"].as_str().unwrap_or("?"), step["stateType"].as_str().unwrap_or("?"));
    if let Some(ms) = step["durationMs"].as_i64() {
        line.push_str(&format!(", {:.1} s", ms as f64 / 1000.0));
    }
    match step["retries"].as_u64() {
        Some(1) => line.push_str(", 1 retry"),
        Some(n) if n > 1 => line.push_str(&format!(", {n} retries")),
        _ => {}
    }
    line.push(')');
    if let Some(error) = step["error"].as_str() {
        line.push_str(&format!(" {error}: {}", step["cause"].as_str().unwrap_or_default()));
    }
    line
}

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

    /// Follows an execution until it ends. `on` hears of every step from its history once the
    /// step is over (the last ones when the execution is), none skipped, in order, and of the
    /// execution's view at each poll while it runs. Returns the final view.
    pub async fn wait(&self, execution_id: &str, mut on: impl FnMut(Followed<'_>)) -> anyhow::Result<Value> {
        let mut shown = 0;
        loop {
            let view = self.get(&format!("/executions/{execution_id}")).await?;
            let running = view["status"] == "RUNNING";
            let steps = self.get(&format!("/executions/{execution_id}/steps")).await?;
            let steps = steps["steps"].as_array().cloned().unwrap_or_default();
            while let Some(step) = steps.get(shown).filter(|s| !running || s["outcome"] != "running") {
                on(Followed::Step(step));
                shown += 1;
            }
            if !running {
                return Ok(view);
            }
            on(Followed::Running(&view));
            tokio::time::sleep(POLL_EVERY).await;
        }
    }
}
