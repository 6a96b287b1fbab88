//! What a policy says: a cache policy's TTLs, cache key and compression; an origin-request
//! policy's headers, cookies and query strings. Parsed from one request shape.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::selection::{Choice, Selection, SelectionRequest};
use crate::checked_text;
use crate::problems::{Problems, quoted};
use crate::values::{Checked, Comment};
use crate::vocabulary;

/// CloudFront's defaults (and cfm's): a day by default, a year at most.
const DEFAULT_MIN_TTL: u64 = 1;
const DEFAULT_TTL: u64 = 86_400;
const DEFAULT_MAX_TTL: u64 = 31_536_000;
/// Longest TTL cfm accepts: 100 years, in seconds.
const MAX_TTL: u64 = 3_153_600_000;

vocabulary!(
    /// The two kinds of policy cfm makes.
    PolicyKind {
        /// What CloudFront caches by and for how long.
        Cache => "cache",
        /// What CloudFront sends to the origin besides the cache key.
        OriginRequest => "originRequest",
    }
);

impl PolicyKind {
    /// What users call it.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Cache => "cache policy",
            Self::OriginRequest => "origin-request policy",
        }
    }

    /// The same, with its article.
    pub fn a_noun(self) -> &'static str {
        match self {
            Self::Cache => "a cache policy",
            Self::OriginRequest => "an origin-request policy",
        }
    }
}

checked_text!(
    /// A policy's name: unique in the account, letters, digits, '-' and '_', at most 128.
    PolicyName, "a policy name", |text, broken| {
        if text.is_empty() || text.len() > 128 {
            broken.push("must be 1 to 128 characters".into());
        }
        if !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            broken.push(format!("{} may hold only letters, digits, '-' and '_'", quoted(text)));
        }
    }
);

/// A cache policy: how long CloudFront keeps objects, and what their cache key holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CachePolicySettings {
    /// Seconds at least.
    pub min_ttl: u64,
    /// Seconds when the origin sends no Cache-Control.
    pub default_ttl: u64,
    /// Seconds at most.
    pub max_ttl: u64,
    /// Headers in the cache key.
    pub headers: Selection,
    /// Cookies in the cache key.
    pub cookies: Selection,
    /// Query strings in the cache key.
    pub query_strings: Selection,
    /// Cache gzip-compressed objects.
    pub gzip: bool,
    /// Cache Brotli-compressed objects.
    pub brotli: bool,
}

/// An origin-request policy: what reaches the origin besides the cache key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginRequestPolicySettings {
    /// Headers sent.
    pub headers: Selection,
    /// Cookies sent.
    pub cookies: Selection,
    /// Query strings sent.
    pub query_strings: Selection,
}

/// A policy's settings, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PolicySettings {
    /// A cache policy.
    Cache(CachePolicySettings),
    /// An origin-request policy.
    OriginRequest(OriginRequestPolicySettings),
}

impl PolicySettings {
    /// Whether it sends the viewer's `Host` to the origin (in the cache key, or forwarded),
    /// which breaks the signature an S3 origin's OAC checks.
    pub fn forwards_host(&self) -> bool {
        match self {
            Self::Cache(cache) => cache.headers.takes("host"),
            Self::OriginRequest(origin) => origin.headers.takes("host"),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> PolicyKind {
        match self {
            Self::Cache(_) => PolicyKind::Cache,
            Self::OriginRequest(_) => PolicyKind::OriginRequest,
        }
    }
}

/// A policy as cfm makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicySpec {
    /// Its name in CloudFront.
    pub name: PolicyName,
    /// A note for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    /// What it says.
    #[serde(flatten)]
    pub settings: PolicySettings,
}

/// A policy as a user writes it (`POST` and `PUT` take the whole policy).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyRequest {
    /// Unique in the account: letters, digits, '-' and '_'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A note for people, at most 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Cache policies: seconds at least (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ttl: Option<u64>,
    /// Cache policies: seconds when the origin says nothing (default 86400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_ttl: Option<u64>,
    /// Cache policies: seconds at most (default 31536000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ttl: Option<u64>,
    /// Headers: cache policies `none` or `whitelist`; origin-request policies also `allViewer`,
    /// `allViewerAndWhitelistCloudFront` and `allExcept`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<SelectionRequest>,
    /// Cookies: `none`, `whitelist`, `allExcept` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookies: Option<SelectionRequest>,
    /// Query strings: `none`, `whitelist`, `allExcept` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_strings: Option<SelectionRequest>,
    /// Cache policies: cache gzip-compressed objects (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip: Option<bool>,
    /// Cache policies: cache Brotli-compressed objects (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brotli: Option<bool>,
}

const CACHE_HEADERS: &[Choice] = &[Choice::None, Choice::Whitelist];

/// Header names CloudFront refuses in a policy's list.
fn refuse_headers(headers: &Selection, p: &mut Problems) {
    for (i, name) in headers.names.iter().enumerate() {
        let at = format!("headers.names[{i}]");
        let lower = name.as_str().to_ascii_lowercase();
        p.check(
            lower == "accept-encoding",
            &at,
            "CloudFront sets Accept-Encoding itself: use gzip and brotli (cache policies) instead",
        );
        p.check(
            headers.behavior == Choice::AllViewerAndWhitelistCloudFront && !lower.starts_with("cloudfront-"),
            &at,
            format!(
                "{} is not a CloudFront header (CloudFront-…); allViewer already sends every viewer header",
                quoted(name.as_str())
            ),
        );
    }
}
const LISTS: &[Choice] = &[Choice::None, Choice::Whitelist, Choice::AllExcept, Choice::All];
const ORIGIN_HEADERS: &[Choice] =
    &[Choice::None, Choice::Whitelist, Choice::AllViewer, Choice::AllViewerAndWhitelistCloudFront, Choice::AllExcept];

impl PolicyRequest {
    /// The policy of `kind` it asks for, or every problem with its field.
    pub fn parse(&self, kind: PolicyKind) -> Result<PolicySpec, Problems> {
        let mut p = Problems::new();
        let name = match &self.name {
            Some(name) => PolicyName::parse_into(&mut p, "name", name),
            None => {
                p.add("name", "is required");
                None
            }
        };
        let comment = self.comment.as_deref().and_then(|c| {
            p.check(c.chars().count() > 100, "comment", "must be at most 100 characters");
            Comment::parse_into(&mut p, "comment", c)
        });
        let settings = match kind {
            PolicyKind::Cache => self.cache(&mut p).map(PolicySettings::Cache),
            PolicyKind::OriginRequest => self.origin_request(&mut p).map(PolicySettings::OriginRequest),
        };
        match (name, settings) {
            (Some(name), Some(settings)) => p.into_result(PolicySpec { name, comment, settings }),
            _ => Err(p),
        }
    }

    fn lists(&self, headers: &[Choice], p: &mut Problems) -> Option<(Selection, Selection, Selection)> {
        let headers = SelectionRequest::parse(self.headers.as_ref(), "headers", headers, p);
        if let Some(headers) = &headers {
            refuse_headers(headers, p);
        }
        let cookies = SelectionRequest::parse(self.cookies.as_ref(), "cookies", LISTS, p);
        let query_strings = SelectionRequest::parse(self.query_strings.as_ref(), "queryStrings", LISTS, p);
        Some((headers?, cookies?, query_strings?))
    }

    fn cache(&self, p: &mut Problems) -> Option<CachePolicySettings> {
        // Defaults give way to what was given: `maxTtl: 0` alone caches nothing, it is not an error.
        let given_below = self.default_ttl.unwrap_or(u64::MAX).min(self.max_ttl.unwrap_or(u64::MAX));
        let min_ttl = self.min_ttl.unwrap_or(DEFAULT_MIN_TTL.min(given_below));
        let max_ttl = self.max_ttl.unwrap_or(DEFAULT_MAX_TTL.max(min_ttl));
        let default_ttl = self.default_ttl.unwrap_or(DEFAULT_TTL.clamp(min_ttl, max_ttl.max(min_ttl)));
        p.check(max_ttl > MAX_TTL, "maxTtl", format!("must be at most {MAX_TTL} seconds (100 years)"));
        p.check(min_ttl > max_ttl, "minTtl", format!("must not exceed maxTtl ({min_ttl} > {max_ttl})"));
        p.check(
            default_ttl < min_ttl || default_ttl > max_ttl,
            "defaultTtl",
            format!("must lie between minTtl and maxTtl ({min_ttl} ≤ {default_ttl} ≤ {max_ttl})"),
        );
        let (headers, cookies, query_strings) = self.lists(CACHE_HEADERS, p)?;
        let settings = CachePolicySettings {
            min_ttl,
            default_ttl,
            max_ttl,
            headers,
            cookies,
            query_strings,
            gzip: self.gzip.unwrap_or(true),
            brotli: self.brotli.unwrap_or(true),
        };
        if max_ttl == 0 {
            // CloudFront caches nothing then, so there is no cache key to shape.
            let keyed = [
                ("headers", settings.headers.behavior != Choice::None),
                ("cookies", settings.cookies.behavior != Choice::None),
                ("queryStrings", settings.query_strings.behavior != Choice::None),
                ("gzip", self.gzip == Some(true)),
                ("brotli", self.brotli == Some(true)),
            ];
            for (field, set) in keyed {
                p.check(set, field, "a policy that caches nothing (maxTtl 0) has no cache key or compression");
            }
            return Some(CachePolicySettings { gzip: false, brotli: false, ..settings });
        }
        Some(settings)
    }

    fn origin_request(&self, p: &mut Problems) -> Option<OriginRequestPolicySettings> {
        let cache_only = [
            ("minTtl", self.min_ttl.is_some()),
            ("defaultTtl", self.default_ttl.is_some()),
            ("maxTtl", self.max_ttl.is_some()),
            ("gzip", self.gzip.is_some()),
            ("brotli", self.brotli.is_some()),
        ];
        for (field, set) in cache_only {
            p.check(set, field, "belongs to cache policies; an origin-request policy has none");
        }
        let (headers, cookies, query_strings) = self.lists(ORIGIN_HEADERS, p)?;
        // CloudFront forwards Authorization only as part of a cache policy's key.
        let authorization = headers.behavior == Choice::Whitelist && headers.takes("authorization");
        p.check(
            authorization,
            "headers.names",
            "Authorization reaches the origin only through a cache policy's headers",
        );
        Some(OriginRequestPolicySettings { headers, cookies, query_strings })
    }
}
