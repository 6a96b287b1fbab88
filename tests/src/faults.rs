//! Fault injection into the real SDK clients. The local cloud cannot fail on cue (and moto's
//! CloudFront ignores If-Match, never throttles and deletes enabled distributions), so tests add
//! this interceptor to a stack's worker clients: it lets the request reach moto, then replaces
//! the response with a real AWS error response, a given number of times per operation.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// Which calls fail.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// One operation, e.g. `PutBucketCors`.
    Operation(&'static str),
    /// Every operation of a service, e.g. `CloudFront`.
    Service(&'static str),
}

/// Replaces responses with an AWS error, `times` times per matching operation.
#[derive(Debug)]
pub struct FailOperation {
    target: Target,
    status: u16,
    content_type: &'static str,
    body: String,
    times: usize,
    /// Whether the call is turned into a read first, so the local cloud keeps the resource.
    harmless: bool,
    /// Fail only every n-th matching call (0: the first `times`).
    every: usize,
    seen: Mutex<HashMap<String, usize>>,
    hits: Arc<AtomicUsize>,
}

/// Marks a call a harmless fault turned into a read: its answer is to be replaced.
#[derive(Debug, Clone)]
struct TurnedIntoRead;

impl Storable for TurnedIntoRead {
    type Storer = StoreReplace<Self>;
}

impl FailOperation {
    /// S3 (REST-XML) error `code` with HTTP `status`, `times` times.
    pub fn s3(operation: &'static str, status: u16, code: &str, times: usize) -> Self {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the test</Message><RequestId>test</RequestId></Error>"
        );
        Self::new(Target::Operation(operation), status, "application/xml", body, times)
    }

    /// An S3 answer with HTTP `status` and `body` (e.g. a 200 `DeleteResult` listing per-key
    /// errors), `times` times.
    pub fn s3_answer(operation: &'static str, status: u16, body: &str, times: usize) -> Self {
        Self::new(Target::Operation(operation), status, "application/xml", body.to_owned(), times)
    }

    /// CloudFront (REST-XML) error `code` with HTTP `status` on `operation`, `times` times.
    pub fn cloudfront(operation: &'static str, status: u16, code: &str, times: usize) -> Self {
        Self::new(Target::Operation(operation), status, "text/xml", cloudfront_error(code), times)
    }

    /// CloudFront error `code` on `operation`, `times` times, where the request never changes
    /// anything: it is sent as a GET of the same path (a read), and its answer replaced. So a
    /// refused delete leaves the resource in the local cloud, as AWS would.
    pub fn cloudfront_refusing(operation: &'static str, status: u16, code: &str, times: usize) -> Self {
        Self { harmless: true, ..Self::cloudfront(operation, status, code, times) }
    }

    /// Lambda (REST-JSON) error `code` with `message` and HTTP `status`, `times` times; the
    /// call is sent as a read first, so the function really stays (a DELETE becomes GetFunction).
    pub fn lambda_refusing(operation: &'static str, status: u16, code: &str, message: &str, times: usize) -> Self {
        let body = serde_json::json!({"__type": code, "message": message}).to_string();
        Self { harmless: true, ..Self::new(Target::Operation(operation), status, "application/json", body, times) }
    }

    /// `Throttling: Rate exceeded` on every `n`-th call of CloudFront `operation`, for ever; each
    /// is sent as a read, so the throttled call changes nothing, as on AWS.
    pub fn cloudfront_throttling_every(operation: &'static str, n: usize) -> Self {
        let throttling = Self::cloudfront(operation, 400, "Throttling", usize::MAX);
        Self { harmless: true, every: n, ..throttling }
    }

    /// `Throttling: Rate exceeded` on every CloudFront operation, `times` times each.
    pub fn cloudfront_throttling(times: usize) -> Self {
        Self::new(Target::Service("CloudFront"), 400, "text/xml", cloudfront_error("Throttling"), times)
    }

    /// DynamoDB (AWS-JSON) error `code` (HTTP 400), `times` times.
    pub fn dynamodb(operation: &'static str, code: &str, times: usize) -> Self {
        Self::dynamodb_status(operation, 400, code, times)
    }

    /// DynamoDB (AWS-JSON) error `code` with HTTP `status`, `times` times.
    pub fn dynamodb_status(operation: &'static str, status: u16, code: &str, times: usize) -> Self {
        let body =
            format!("{{\"__type\":\"com.amazonaws.dynamodb.v20120810#{code}\",\"message\":\"injected by the test\"}}");
        Self::new(Target::Operation(operation), status, "application/x-amz-json-1.0", body, times)
    }

    /// EventBridge (AWS-JSON 1.1) error `code` with HTTP `status`, `times` times.
    pub fn eventbridge(operation: &'static str, status: u16, code: &str, times: usize) -> Self {
        let body = format!("{{\"__type\":\"{code}\",\"message\":\"injected by the test\"}}");
        Self::new(Target::Operation(operation), status, "application/x-amz-json-1.1", body, times)
    }

    fn new(target: Target, status: u16, content_type: &'static str, body: String, times: usize) -> Self {
        Self {
            target,
            status,
            content_type,
            body,
            times,
            harmless: false,
            every: 0,
            seen: Mutex::default(),
            hits: Arc::default(),
        }
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

impl FailOperation {
    /// Whether this call is one to fail (counting it if so).
    fn takes(&self, cfg: &ConfigBag) -> bool {
        let Some(metadata) = cfg.load::<Metadata>() else { return false };
        let matches = match self.target {
            Target::Operation(op) => metadata.name() == op,
            Target::Service(service) => metadata.service() == service,
        };
        if !matches {
            return false;
        }
        let mut seen = self.seen.lock().expect("fault counter");
        let count = seen.entry(metadata.name().to_owned()).or_default();
        if *count >= self.times {
            return false;
        }
        *count += 1;
        self.every == 0 || (*count).is_multiple_of(self.every)
    }
}

impl Intercept for FailOperation {
    fn name(&self) -> &'static str {
        "FailOperation"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.harmless && self.takes(cfg) {
            context.request_mut().set_method("GET")?;
            cfg.interceptor_state().store_put(TurnedIntoRead);
        }
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let fails = if self.harmless {
            let turned = cfg.load::<TurnedIntoRead>().is_some();
            cfg.interceptor_state().unset::<TurnedIntoRead>();
            turned
        } else {
            self.takes(cfg)
        };
        if !fails {
            return Ok(());
        }
        self.hits.fetch_add(1, Ordering::SeqCst);
        let mut response = HttpResponse::new(StatusCode::try_from(self.status)?, SdkBody::from(self.body.clone()));
        response.headers_mut().insert("content-type", self.content_type);
        *context.response_mut() = response;
        Ok(())
    }
}

fn cloudfront_error(code: &str) -> String {
    let message = if code == "Throttling" { "Rate exceeded" } else { "injected by the test" };
    format!(
        "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>test</RequestId></ErrorResponse>"
    )
}

/// Counts calls and changes nothing (to observe, e.g., heartbeats, or that a late delivery
/// did no work).
#[derive(Debug)]
pub struct CountOperation {
    counted: fn(&Metadata) -> bool,
    operation: &'static str,
    calls: Arc<AtomicUsize>,
    sent: Arc<Mutex<Vec<std::time::Instant>>>,
}

impl CountOperation {
    /// Counts `operation`.
    pub fn new(operation: &'static str) -> Self {
        Self { counted: |_| true, operation, calls: Arc::default(), sent: Arc::default() }
    }

    /// Counts every call except Step Functions' (the task callbacks): the calls that do work.
    pub fn work() -> Self {
        Self { counted: |m| m.service() != "SFN", operation: "", calls: Arc::default(), sent: Arc::default() }
    }

    /// The count so far (read it before `shared`).
    pub fn counter(&self) -> Arc<AtomicUsize> {
        self.calls.clone()
    }

    /// When each counted call was sent (read it before `shared`).
    pub fn sent_at(&self) -> Arc<Mutex<Vec<std::time::Instant>>> {
        self.sent.clone()
    }

    /// As an interceptor.
    pub fn shared(self) -> SharedInterceptor {
        SharedInterceptor::new(self)
    }
}

impl Intercept for CountOperation {
    fn name(&self) -> &'static str {
        "CountOperation"
    }

    fn read_before_transmit(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(metadata) = cfg.load::<Metadata>() else { return Ok(()) };
        let named = self.operation.is_empty() || metadata.name() == self.operation;
        if named && (self.counted)(metadata) {
            self.calls.fetch_add(1, Ordering::SeqCst);
            self.sent.lock().expect("not poisoned").push(std::time::Instant::now());
        }
        Ok(())
    }
}
