//! One place builds the `SdkConfig` and every client: endpoint, region and credentials are set
//! here, and per-service quirks (S3 path style, CloudFront in us-east-1) too.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;

/// CloudFront's control plane and ACM certificates for it live in us-east-1.
pub const GLOBAL_REGION: &str = "us-east-1";

/// Every AWS call is bounded: connecting, each attempt, and the whole call with the SDK's own
/// retries. A hung connection fails the task as `cfm.Transient` (retried by the ASL) instead of
/// running into the task's heartbeat.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(90))
        .build()
}

/// Where AWS is: the real one (default chain) or a local stand-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Real AWS, credentials and region from the default provider chain.
    Aws,
    /// A local cloud at this URL with static test credentials.
    Local {
        /// e.g. `http://127.0.0.1:4566`.
        url: String,
        /// The home region of the stack.
        region: String,
    },
}

/// Builds a service config from `$builder` with the context's interceptors added.
macro_rules! configured {
    ($ctx:ident, $builder:expr) => {{
        let mut builder = $builder;
        for interceptor in &$ctx.interceptors {
            builder.push_interceptor(interceptor.clone());
        }
        builder.build()
    }};
}

/// The loaded configuration plus optional interceptors (used by tests to inject faults into the
/// real clients).
#[derive(Clone, Debug)]
pub struct AwsContext {
    config: SdkConfig,
    local: bool,
    interceptors: Vec<SharedInterceptor>,
}

impl AwsContext {
    /// Loads the configuration once.
    pub async fn load(endpoint: &Endpoint) -> Self {
        let loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts());
        let (config, local) = match endpoint {
            Endpoint::Aws => (loader.load().await, false),
            Endpoint::Local { url, region } => {
                let creds = aws_sdk_sqs::config::Credentials::new("testing", "testing", None, None, "cfm-local");
                let config = loader
                    .endpoint_url(url)
                    .region(Region::new(region.clone()))
                    .credentials_provider(creds)
                    .load()
                    .await;
                (config, true)
            }
        };
        Self { config, local, interceptors: Vec::new() }
    }

    /// Adds an interceptor to every client built from now on.
    pub fn with_interceptor(mut self, interceptor: SharedInterceptor) -> Self {
        self.interceptors.push(interceptor);
        self
    }

    /// The stack's home region.
    pub fn region(&self) -> String {
        self.config.region().map(ToString::to_string).unwrap_or_else(|| GLOBAL_REGION.to_owned())
    }

    /// The shared SDK configuration.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    /// An S3 client for `region`; path-style addressing against a local cloud.
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(configured!(
            self,
            aws_sdk_s3::config::Builder::from(&self.config)
                .region(Region::new(region.to_owned()))
                .force_path_style(self.local)
        ))
    }

    /// The CloudFront client (us-east-1).
    pub fn cloudfront(&self) -> aws_sdk_cloudfront::Client {
        aws_sdk_cloudfront::Client::from_conf(configured!(
            self,
            aws_sdk_cloudfront::config::Builder::from(&self.config).region(Region::new(GLOBAL_REGION))
        ))
    }

    /// The ACM client in us-east-1, where CloudFront's certificates live.
    pub fn acm(&self) -> aws_sdk_acm::Client {
        aws_sdk_acm::Client::from_conf(configured!(
            self,
            aws_sdk_acm::config::Builder::from(&self.config).region(Region::new(GLOBAL_REGION))
        ))
    }

    /// The CloudWatch client in us-east-1, where CloudFront's metrics are.
    pub fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::from_conf(configured!(
            self,
            aws_sdk_cloudwatch::config::Builder::from(&self.config).region(Region::new(GLOBAL_REGION))
        ))
    }

    /// The IAM client (the local cloud's provisioner makes the edge role with it).
    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::from_conf(configured!(
            self,
            aws_sdk_iam::config::Builder::from(&self.config).region(Region::new(GLOBAL_REGION))
        ))
    }

    /// The Lambda client in us-east-1, where Lambda@Edge functions are made.
    pub fn lambda(&self) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::from_conf(configured!(
            self,
            aws_sdk_lambda::config::Builder::from(&self.config).region(Region::new(GLOBAL_REGION))
        ))
    }

    /// The Route 53 client (a global service, signed in us-east-1).
    pub fn route53(&self) -> aws_sdk_route53::Client {
        aws_sdk_route53::Client::from_conf(configured!(
            self,
            aws_sdk_route53::config::Builder::from(&self.config).region(Region::new(GLOBAL_REGION))
        ))
    }

    /// The DynamoDB client.
    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(configured!(self, aws_sdk_dynamodb::config::Builder::from(&self.config)))
    }

    /// The EventBridge client.
    pub fn eventbridge(&self) -> aws_sdk_eventbridge::Client {
        aws_sdk_eventbridge::Client::from_conf(configured!(
            self,
            aws_sdk_eventbridge::config::Builder::from(&self.config)
        ))
    }

    /// The Step Functions client.
    pub fn sfn(&self) -> aws_sdk_sfn::Client {
        aws_sdk_sfn::Client::from_conf(configured!(self, aws_sdk_sfn::config::Builder::from(&self.config)))
    }

    /// The SQS client.
    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::from_conf(configured!(self, aws_sdk_sqs::config::Builder::from(&self.config)))
    }
}
