//! Request ids and the access log: every answer carries an id (the caller's, if plain), error
//! bodies name it, and each request logs one line with its route, status, principal and the
//! execution it started.

use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::Api;

/// Log lines written while `run` runs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<serde_json::Value> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

#[tokio::test]
async fn every_answer_has_a_request_id_and_every_request_one_log_line() {
    let api = Api::new();
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().json().with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let body = json!({"name": "logged", "bucketName": "logged-bucket", "region": "eu-west-1"});
    let accepted = api.admin(Method::POST, "/origins", Some(body)).await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED);
    let id = accepted.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a new id: {id}");

    let given =
        api.send(Method::GET, "/origins/org-nope", Some(&api.admin), &[("x-request-id", "trace-7")], None).await;
    assert_eq!((given.status, given.headers["x-request-id"].to_str().unwrap()), (StatusCode::NOT_FOUND, "trace-7"));
    assert_eq!(given.body["requestId"], "trace-7", "error bodies name it");
    let odd = api.send(Method::GET, "/origins", None, &[("x-request-id", "has space")], None).await;
    assert_ne!(odd.headers["x-request-id"], "has space", "an odd id is replaced");
    assert_eq!(odd.body["requestId"], odd.headers["x-request-id"].to_str().unwrap());

    let lines: Vec<_> = captured.lines().into_iter().filter(|l| l["target"] == "cfm::access").collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let fields = |i: usize, f: &str| lines[i]["fields"][f].clone();
    assert_eq!(
        (fields(0, "route"), fields(0, "status"), fields(0, "principal")),
        (json!("/origins"), json!(202), json!("alice"))
    );
    assert_eq!(fields(0, "execution"), accepted.body["executionId"]);
    assert_eq!(fields(0, "request_id"), json!(id));
    assert_eq!((fields(1, "route"), fields(1, "method")), (json!("/origins/{id}"), json!("GET")));
    assert_eq!((fields(2, "status"), fields(2, "principal")), (json!(401), json!("-")), "no token, no principal");
    assert!(fields(2, "latency_ms").as_f64().is_some());
}
