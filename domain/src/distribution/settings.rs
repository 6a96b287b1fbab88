//! The settings a distribution spec is made of, each declared once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::problems::Problems;
use crate::vocabulary;

vocabulary!(
    /// CloudFront's managed cache policies, by name.
    CachePolicy {
        /// Caches by path; compressed and uncompressed separately.
        Optimized => "CachingOptimized",
        /// No caching.
        Disabled => "CachingDisabled",
        /// Like CachingOptimized without the compression cache key.
        OptimizedForUncompressedObjects => "CachingOptimizedForUncompressedObjects",
    }
);

impl CachePolicy {
    /// The managed policy's id (CloudFront's published ids).
    pub fn id(self) -> &'static str {
        match self {
            Self::Optimized => "658327ea-f89d-4fab-a63d-7e88639e58f6",
            Self::Disabled => "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            Self::OptimizedForUncompressedObjects => "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
        }
    }
}

vocabulary!(
    /// How viewers may connect.
    ViewerProtocolPolicy {
        /// HTTP and HTTPS.
        AllowAll => "allow-all",
        /// HTTP is redirected to HTTPS.
        RedirectToHttps => "redirect-to-https",
        /// HTTPS only.
        HttpsOnly => "https-only",
    }
);

vocabulary!(
    /// Which methods CloudFront accepts (and caches GET/HEAD of).
    AllowedMethods {
        /// GET, HEAD.
        GetHead => "GET_HEAD",
        /// GET, HEAD, OPTIONS.
        GetHeadOptions => "GET_HEAD_OPTIONS",
        /// Every method.
        All => "ALL",
    }
);

impl AllowedMethods {
    /// The methods, in CloudFront's spelling.
    pub fn methods(self) -> &'static [&'static str] {
        match self {
            Self::GetHead => &["GET", "HEAD"],
            Self::GetHeadOptions => &["GET", "HEAD", "OPTIONS"],
            Self::All => &["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
        }
    }
}

vocabulary!(
    /// HTTP versions CloudFront serves.
    HttpVersion {
        /// HTTP/1.1.
        Http11 => "http1.1",
        /// HTTP/2.
        Http2 => "http2",
        /// HTTP/3.
        Http3 => "http3",
        /// HTTP/2 and HTTP/3.
        Http2And3 => "http2and3",
    }
);

vocabulary!(
    /// Which edge locations serve.
    PriceClass {
        /// North America and Europe.
        Class100 => "PriceClass_100",
        /// Most regions.
        Class200 => "PriceClass_200",
        /// Every edge location.
        All => "PriceClass_All",
    }
);

vocabulary!(
    /// The oldest TLS version viewers may use with a custom certificate (SNI).
    TlsVersion {
        /// TLS 1.0.
        Tls1 => "TLSv1",
        /// TLS 1.0, 2016 ciphers.
        Tls1_2016 => "TLSv1_2016",
        /// TLS 1.1, 2016 ciphers.
        Tls11_2016 => "TLSv1.1_2016",
        /// TLS 1.2, 2018 ciphers.
        Tls12_2018 => "TLSv1.2_2018",
        /// TLS 1.2, 2019 ciphers.
        Tls12_2019 => "TLSv1.2_2019",
        /// TLS 1.2, 2021 ciphers (the default).
        Tls12_2021 => "TLSv1.2_2021",
        /// TLS 1.3, 2025 ciphers.
        Tls13_2025 => "TLSv1.3_2025",
    }
);

/// Status codes CloudFront can replace with a custom error response.
pub const ERROR_CODES: &[u16] = &[400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];

/// One custom error response, as a user writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorResponseRequest {
    /// The origin's HTTP status, e.g. 404.
    pub error_code: i64,
    /// The status viewers get instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code: Option<i64>,
    /// The page served instead, e.g. `/index.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_page_path: Option<String>,
    /// Seconds CloudFront caches the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_caching_min_ttl: Option<i64>,
}

/// A custom error response that holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorResponse {
    /// The origin's status.
    pub error_code: u16,
    /// The replacement page and status, if any.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<ErrorPage>,
    /// Seconds CloudFront caches the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_caching_min_ttl: Option<u32>,
}

/// The page served for an error, with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorPage {
    /// The status viewers get.
    pub response_code: u16,
    /// The page, e.g. `/index.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_page_path: Option<String>,
}

/// Standard access logging, as a user writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoggingRequest {
    /// The log bucket's domain, `<bucket>.s3.amazonaws.com`.
    pub bucket: String,
    /// Key prefix.
    #[serde(default)]
    pub prefix: String,
    /// Log cookies too.
    #[serde(default)]
    pub include_cookies: bool,
}

/// Standard logging that holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Logging {
    /// The log bucket's domain.
    pub bucket: String,
    /// Key prefix.
    #[serde(default)]
    pub prefix: String,
    /// Log cookies too.
    #[serde(default)]
    pub include_cookies: bool,
}

/// Parses custom error responses: each customisable code at most once.
pub(crate) fn parse_error_responses(problems: &mut Problems, responses: &[ErrorResponseRequest]) -> Vec<ErrorResponse> {
    let field = "customErrorResponses";
    if responses.len() > ERROR_CODES.len() {
        problems.add(field, format!("at most {} items (got {})", ERROR_CODES.len(), responses.len()));
        return Vec::new();
    }
    let mut seen = std::collections::HashSet::new();
    let mut parsed = Vec::new();
    for (i, r) in responses.iter().enumerate() {
        let at = |f: &str| format!("{field}[{i}].{f}");
        let code = u16::try_from(r.error_code).ok().filter(|c| ERROR_CODES.contains(c));
        if code.is_none() {
            problems.add(at("errorCode"), format!("{} cannot be customised", r.error_code));
        }
        problems.check(!seen.insert(r.error_code), at("errorCode"), format!("{} is listed twice", r.error_code));
        let response_code = r.response_code.and_then(|c| {
            let ok = u16::try_from(c).ok().filter(|c| (200..=599).contains(c));
            problems.check(ok.is_none(), at("responseCode"), "must be an HTTP status (200-599)");
            ok
        });
        if let Some(path) = &r.response_page_path {
            problems.check(!path.starts_with('/'), at("responsePagePath"), "must start with '/'");
            problems.check(r.response_code.is_none(), at("responseCode"), "is required with responsePagePath");
        }
        let ttl = r.error_caching_min_ttl.and_then(|t| {
            problems.check(t < 0, at("errorCachingMinTtl"), "must not be negative");
            u32::try_from(t).ok()
        });
        if let Some(error_code) = code {
            let replacement = response_code
                .map(|response_code| ErrorPage { response_code, response_page_path: r.response_page_path.clone() });
            parsed.push(ErrorResponse { error_code, replacement, error_caching_min_ttl: ttl });
        }
    }
    parsed
}

/// Parses logging settings.
pub(crate) fn parse_logging(problems: &mut Problems, logging: &LoggingRequest) -> Logging {
    problems.check(
        !logging.bucket.ends_with(".s3.amazonaws.com"),
        "logging.bucket",
        "must be a bucket domain like logs.s3.amazonaws.com",
    );
    problems.check(logging.prefix.starts_with('/'), "logging.prefix", "must not start with '/'");
    Logging { bucket: logging.bucket.clone(), prefix: logging.prefix.clone(), include_cookies: logging.include_cookies }
}
