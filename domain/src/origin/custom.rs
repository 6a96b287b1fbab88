//! Custom origins: any HTTP(S) server CloudFront reaches by DNS name (an ALB, API Gateway,
//! another CDN, an external site). Header values may be secrets (a shared key the origin
//! checks): they are stored, sent to CloudFront, and never shown in reads, events or workflow
//! inputs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::spec::OriginRequest;
use crate::problems::{Problems, excerpt, within};
use crate::values::{Checked, HeaderName, OriginDomain, OriginPath};
use crate::vocabulary;
use crate::vocabulary::parse_setting;

vocabulary!(
    /// How CloudFront connects to a custom origin.
    OriginProtocolPolicy {
        /// Always HTTP.
        HttpOnly => "http-only",
        /// The viewer's protocol.
        MatchViewer => "match-viewer",
        /// Always HTTPS (the default).
        HttpsOnly => "https-only",
    }
);

vocabulary!(
    /// The oldest TLS version CloudFront uses to reach a custom origin over HTTPS.
    OriginTlsVersion {
        /// TLS 1.0.
        Tls1 => "TLSv1",
        /// TLS 1.1.
        Tls11 => "TLSv1.1",
        /// TLS 1.2 (the default).
        Tls12 => "TLSv1.2",
    }
);

impl OriginTlsVersion {
    /// The protocols CloudFront may use: this version and every newer one.
    pub fn protocols(self) -> &'static [&'static str] {
        static ALL: [&str; 3] = ["TLSv1", "TLSv1.1", "TLSv1.2"];
        match self {
            Self::Tls1 => &ALL,
            Self::Tls11 => &ALL[1..],
            Self::Tls12 => &ALL[2..],
        }
    }
}

/// A header value cfm stores and sends but never shows.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// What reads show instead of the value.
    pub const HIDDEN: &'static str = "(hidden)";

    /// The value, for CloudFront only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn hidden() -> Self {
        Self(Self::HIDDEN.into())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(Self::HIDDEN)
    }
}

/// Headers CloudFront adds to every request to the origin.
pub type CustomHeaders = BTreeMap<HeaderName, Secret>;

/// The same headers with their values hidden.
pub(super) fn redacted(headers: &CustomHeaders) -> CustomHeaders {
    headers.keys().map(|name| (name.clone(), Secret::hidden())).collect()
}

/// A custom origin that holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomOrigin {
    /// Its DNS name.
    pub domain_name: OriginDomain,
    /// A path put before every request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_path: Option<OriginPath>,
    /// HTTP port.
    pub http_port: u16,
    /// HTTPS port.
    pub https_port: u16,
    /// How CloudFront connects.
    pub protocol_policy: OriginProtocolPolicy,
    /// The oldest TLS version CloudFront uses.
    pub minimum_tls_version: OriginTlsVersion,
    /// Seconds CloudFront waits for a response.
    pub read_timeout_seconds: u16,
    /// Seconds CloudFront keeps an idle connection.
    pub keepalive_timeout_seconds: u16,
    /// Headers added to origin requests (values write-only).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_headers: CustomHeaders,
}

/// A change to a custom origin's settings that holds. In a workflow input its header values
/// are hidden: the API stages the real ones on the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomPatch {
    /// New DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<OriginDomain>,
    /// New origin path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_path: Option<OriginPath>,
    /// New HTTP port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_port: Option<u16>,
    /// New HTTPS port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https_port: Option<u16>,
    /// New protocol policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_policy: Option<OriginProtocolPolicy>,
    /// New minimum TLS version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_tls_version: Option<OriginTlsVersion>,
    /// New read timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_timeout_seconds: Option<u16>,
    /// New keepalive timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keepalive_timeout_seconds: Option<u16>,
    /// New headers, all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_headers: Option<CustomHeaders>,
}

/// CloudFront's limits on custom origins: headers per origin, characters in one value, and in
/// all names and values together.
const MAX_HEADERS: usize = 10;
const MAX_HEADER_VALUE: usize = 1783;
const MAX_HEADERS_TOTAL: usize = 10_240;
const MAX_TIMEOUT: u16 = 180;

fn port(problems: &mut Problems, field: &str, value: Option<i64>) -> Option<u16> {
    let value = value?;
    let ok = u16::try_from(value).ok().filter(|p| *p == 80 || *p == 443 || *p >= 1024);
    problems.check(ok.is_none(), field, format!("must be 80, 443 or 1024-65535 (not {value})"));
    ok
}

fn timeout(problems: &mut Problems, field: &str, value: Option<i64>) -> Option<u16> {
    let value = value?;
    let ok = u16::try_from(value).ok().filter(|v| (1..=MAX_TIMEOUT).contains(v));
    problems.check(ok.is_none(), field, format!("must be 1 to {MAX_TIMEOUT} seconds (not {value})"));
    ok
}

fn headers(problems: &mut Problems, headers: &BTreeMap<String, Secret>) -> CustomHeaders {
    if !within(problems, "customHeaders", headers.len(), MAX_HEADERS) {
        return CustomHeaders::new();
    }
    let total: usize = headers.iter().map(|(n, v)| n.len() + v.0.len()).sum();
    problems.check(
        total > MAX_HEADERS_TOTAL,
        "customHeaders",
        format!("names and values together must be at most {MAX_HEADERS_TOTAL} characters"),
    );
    let mut parsed = CustomHeaders::new();
    for (name, value) in headers {
        let field = format!("customHeaders.{}", excerpt(name));
        let name = HeaderName::parse_into(problems, &field, name);
        let text = value.expose();
        let ok = text.len() <= MAX_HEADER_VALUE
            && text.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
            && text.trim() == text;
        let rule = format!(
            "values must be at most {MAX_HEADER_VALUE} visible ASCII characters, not starting or ending with a space"
        );
        problems.check(!ok, &field, rule);
        if let (Some(name), true) = (name, ok) {
            if parsed.keys().any(|known| known.as_str().eq_ignore_ascii_case(name.as_str())) {
                problems.add(&field, "is listed twice (header names ignore case)");
            }
            parsed.insert(name, value.clone());
        }
    }
    parsed
}

impl OriginRequest {
    /// Each custom-origin field by its request name, and whether it is set.
    pub(crate) fn custom_fields(&self) -> [(&'static str, bool); 9] {
        [
            ("domainName", self.domain_name.is_some()),
            ("originPath", self.origin_path.is_some()),
            ("httpPort", self.http_port.is_some()),
            ("httpsPort", self.https_port.is_some()),
            ("protocolPolicy", self.protocol_policy.is_some()),
            ("minimumTlsVersion", self.minimum_tls_version.is_some()),
            ("readTimeoutSeconds", self.read_timeout_seconds.is_some()),
            ("keepaliveTimeoutSeconds", self.keepalive_timeout_seconds.is_some()),
            ("customHeaders", self.custom_headers.is_some()),
        ]
    }

    /// Parses every custom-origin field that is set.
    pub(crate) fn parse_custom_patch(&self, p: &mut Problems) -> CustomPatch {
        CustomPatch {
            domain_name: self.domain_name.as_ref().and_then(|d| OriginDomain::parse_into(p, "domainName", d)),
            origin_path: self.origin_path.as_ref().and_then(|o| OriginPath::parse_into(p, "originPath", o)),
            http_port: port(p, "httpPort", self.http_port),
            https_port: port(p, "httpsPort", self.https_port),
            protocol_policy: parse_setting(p, "protocolPolicy", &self.protocol_policy),
            minimum_tls_version: parse_setting(p, "minimumTlsVersion", &self.minimum_tls_version),
            read_timeout_seconds: timeout(p, "readTimeoutSeconds", self.read_timeout_seconds),
            keepalive_timeout_seconds: timeout(p, "keepaliveTimeoutSeconds", self.keepalive_timeout_seconds),
            custom_headers: self.custom_headers.as_ref().map(|h| headers(p, h)),
        }
    }

    /// Parses a new custom origin: `domainName` is required, the rest has CloudFront's defaults.
    pub(crate) fn parse_custom(&self, p: &mut Problems) -> Option<CustomOrigin> {
        p.check(self.domain_name.is_none(), "domainName", "is required for a custom origin (e.g. api.example.com)");
        let patch = self.parse_custom_patch(p);
        let blank = CustomOrigin {
            domain_name: patch.domain_name.clone()?,
            origin_path: None,
            http_port: 80,
            https_port: 443,
            protocol_policy: OriginProtocolPolicy::HttpsOnly,
            minimum_tls_version: OriginTlsVersion::Tls12,
            read_timeout_seconds: 30,
            keepalive_timeout_seconds: 5,
            custom_headers: CustomHeaders::new(),
        };
        Some(blank.patched(&patch))
    }
}

impl CustomPatch {
    /// The fields it sets, by their request names.
    pub fn set_fields(&self) -> Vec<String> {
        crate::problems::set_fields(self)
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// The same change with header values hidden, for workflow inputs.
    pub fn redacted(&self) -> Self {
        Self { custom_headers: self.custom_headers.as_ref().map(redacted), ..self.clone() }
    }
}

impl CustomOrigin {
    /// These settings with `patch` applied.
    pub fn patched(&self, patch: &CustomPatch) -> Self {
        Self {
            domain_name: patch.domain_name.clone().unwrap_or_else(|| self.domain_name.clone()),
            origin_path: patch.origin_path.clone().or_else(|| self.origin_path.clone()),
            http_port: patch.http_port.unwrap_or(self.http_port),
            https_port: patch.https_port.unwrap_or(self.https_port),
            protocol_policy: patch.protocol_policy.unwrap_or(self.protocol_policy),
            minimum_tls_version: patch.minimum_tls_version.unwrap_or(self.minimum_tls_version),
            read_timeout_seconds: patch.read_timeout_seconds.unwrap_or(self.read_timeout_seconds),
            keepalive_timeout_seconds: patch.keepalive_timeout_seconds.unwrap_or(self.keepalive_timeout_seconds),
            custom_headers: patch.custom_headers.clone().unwrap_or_else(|| self.custom_headers.clone()),
        }
    }

    /// The same settings with header values hidden.
    pub fn redacted(&self) -> Self {
        Self { custom_headers: redacted(&self.custom_headers), ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(json: serde_json::Value) -> OriginRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn defaults_fill_in_and_secrets_stay_hidden() {
        let mut p = Problems::new();
        let origin = fields(serde_json::json!({"domainName": "api.example.com", "customHeaders": {"X-Key": "s3cr3t"}}))
            .parse_custom(&mut p)
            .unwrap();
        assert!(p.is_empty(), "{p:?}");
        assert_eq!((origin.http_port, origin.https_port, origin.read_timeout_seconds), (80, 443, 30));
        assert_eq!(origin.minimum_tls_version.protocols(), ["TLSv1.2"]);
        assert!(!format!("{origin:?}").contains("s3cr3t"));
        assert!(!serde_json::to_string(&origin.redacted()).unwrap().contains("s3cr3t"));
        let stored = serde_json::to_string(&origin).unwrap();
        assert!(stored.contains("s3cr3t"), "the record keeps the value for CloudFront");
    }

    #[test]
    fn every_problem_names_its_field() {
        let mut p = Problems::new();
        let bad = fields(serde_json::json!({
            "domainName": "192.168.0.1", "originPath": "prod/", "httpPort": 81, "httpsPort": 70000,
            "protocolPolicy": "sometimes", "minimumTlsVersion": "SSLv3", "readTimeoutSeconds": 0,
            "keepaliveTimeoutSeconds": 999, "customHeaders": {"Host": "x"}
        }));
        assert!(bad.parse_custom(&mut p).is_none());
        let named: Vec<&str> = p.list().iter().map(|p| p.field.as_str()).collect();
        for field in [
            "domainName",
            "originPath",
            "httpPort",
            "httpsPort",
            "protocolPolicy",
            "minimumTlsVersion",
            "readTimeoutSeconds",
            "keepaliveTimeoutSeconds",
            "customHeaders.Host",
        ] {
            assert!(named.contains(&field), "{field} not in {named:?}");
        }
    }
}
