//! Fault injection into the real SDK clients. The local cloud cannot fail on cue, so tests add
//! this interceptor to a stack's worker clients: it lets the request reach moto, then replaces
//! the response of a chosen operation with a real AWS error response, a given number of times.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;

/// Replaces the responses of one operation with an error.
#[derive(Debug)]
pub struct FailOperation {
    operation: &'static str,
    status: u16,
    content_type: &'static str,
    body: String,
    remaining: AtomicUsize,
    hits: Arc<AtomicUsize>,
}

impl FailOperation {
    /// S3 (REST-XML) error `code` with HTTP `status`, `times` times.
    pub fn s3(operation: &'static str, status: u16, code: &str, times: usize) -> Self {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the test</Message><RequestId>test</RequestId></Error>"
        );
        Self::new(operation, status, "application/xml", body, times)
    }

    /// DynamoDB (AWS-JSON) error `code` (HTTP 400), `times` times.
    pub fn dynamodb(operation: &'static str, code: &str, times: usize) -> Self {
        let body =
            format!("{{\"__type\":\"com.amazonaws.dynamodb.v20120810#{code}\",\"message\":\"injected by the test\"}}");
        Self::new(operation, 400, "application/x-amz-json-1.0", body, times)
    }

    fn new(operation: &'static str, status: u16, content_type: &'static str, body: String, times: usize) -> Self {
        Self { operation, status, content_type, body, remaining: AtomicUsize::new(times), hits: Arc::default() }
    }

    /// How many responses were replaced so far (read it before `shared`).
    pub fn counter(&self) -> Arc<AtomicUsize> {
        self.hits.clone()
    }

    /// As an interceptor for `StackOptions::worker_interceptors`.
    pub fn shared(self) -> SharedInterceptor {
        SharedInterceptor::new(self)
    }
}

impl Intercept for FailOperation {
    fn name(&self) -> &'static str {
        "FailOperation"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<Metadata>().map(Metadata::name) != Some(self.operation) {
            return Ok(());
        }
        if self.remaining.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_err() {
            return Ok(());
        }
        self.hits.fetch_add(1, Ordering::SeqCst);
        let mut response = HttpResponse::new(StatusCode::try_from(self.status)?, SdkBody::from(self.body.clone()));
        response.headers_mut().insert("content-type", self.content_type);
        *context.response_mut() = response;
        Ok(())
    }
}
