//! Every request gets an id, the caller's `X-Request-Id` when it is a sane one or a new one,
//! echoed in the `X-Request-Id` header and in error bodies; and one structured access-log line
//! (`cfm::access`): method, route, status, latency, principal, and the execution it started.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::header::LOCATION;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// The request id header, both ways.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the handlers tell the access log while a request runs.
#[derive(Debug)]
struct Note {
    id: String,
    principal: Mutex<Option<String>>,
}

tokio::task_local! {
    static NOTE: Arc<Note>;
}

/// The id of the request being served, if any.
pub(crate) fn request_id() -> Option<String> {
    NOTE.try_with(|note| note.id.clone()).ok()
}

/// Records who is asking, once their token is verified.
pub(crate) fn note_principal(sub: &str) {
    let _ = NOTE.try_with(|note| *note.principal.lock().unwrap_or_else(|e| e.into_inner()) = Some(sub.to_owned()));
}

/// A caller's id is kept when it is short and plain (it goes into logs and headers).
fn sane(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// The execution a `202` started: the last segment of its `Location`.
fn started_execution(response: &Response) -> Option<&str> {
    if response.status() != StatusCode::ACCEPTED {
        return None;
    }
    response.headers().get(LOCATION)?.to_str().ok()?.strip_prefix("/executions/")
}

/// The middleware.
pub(crate) async fn access(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let given = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).filter(|id| sane(id));
    let id = given.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let note = Arc::new(Note { id: id.clone(), principal: Mutex::new(None) });
    let mut response = NOTE.scope(note.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let principal = note.principal.lock().unwrap_or_else(|e| e.into_inner()).clone();
    tracing::info!(
        target: "cfm::access",
        request_id = %id,
        method = %method,
        route = route.as_deref().unwrap_or("(no route)"),
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        principal = principal.as_deref().unwrap_or("-"),
        execution = started_execution(&response).unwrap_or("-"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(sane("req-1.a_b:c") && sane(&"a".repeat(128)));
        for bad in ["", "with space", "new\nline", "ü", &"a".repeat(129)] {
            assert!(!sane(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_202_names_the_execution_it_started() {
        let accepted = Response::builder()
            .status(StatusCode::ACCEPTED)
            .header(LOCATION, "/executions/create-origin.org-1.x")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(started_execution(&accepted), Some("create-origin.org-1.x"));
        let ok = Response::builder().header(LOCATION, "/executions/x").body(axum::body::Body::empty()).unwrap();
        assert_eq!(started_execution(&ok), None);
    }
}
