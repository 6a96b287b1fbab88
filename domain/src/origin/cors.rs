//! An origin bucket's CORS rules and website documents: the request shapes and the parsed ones.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::problems::{Problems, quoted, within};
use crate::vocabulary;
use crate::vocabulary::Vocabulary;

/// S3 allows at most 100 CORS rules per bucket.
const MAX_RULES: usize = 100;
/// Entries per list inside one rule (S3 caps the whole configuration at 64 KB).
const MAX_ENTRIES: usize = 100;
/// Longest website document key.
const MAX_DOCUMENT: usize = 1024;

vocabulary!(
    /// Methods a CORS rule may allow.
    CorsMethod {
        /// GET.
        Get => "GET",
        /// PUT.
        Put => "PUT",
        /// POST.
        Post => "POST",
        /// DELETE.
        Delete => "DELETE",
        /// HEAD.
        Head => "HEAD",
    }
);

/// One S3 CORS rule, as a user writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorsRuleRequest {
    /// Origins allowed to make cross-origin requests (`*` or scheme://host[:port]).
    pub allowed_origins: Vec<String>,
    /// HTTP methods: GET, PUT, POST, DELETE, HEAD.
    pub allowed_methods: Vec<String>,
    /// Request headers allowed in a preflight.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_headers: Vec<String>,
    /// Response headers exposed to the browser.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    /// Preflight cache time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_seconds: Option<i64>,
}

/// One S3 CORS rule that holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CorsRule {
    /// Allowed origins.
    pub allowed_origins: Vec<String>,
    /// Allowed methods.
    pub allowed_methods: Vec<CorsMethod>,
    /// Allowed request headers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_headers: Vec<String>,
    /// Exposed response headers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    /// Preflight cache time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_seconds: Option<i32>,
}

/// S3 static-website documents, as a user writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebsiteRequest {
    /// Suffix served for directory requests, e.g. `index.html`.
    pub index_document: String,
    /// Key served on errors, e.g. `error.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_document: Option<String>,
}

/// Website documents that hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Website {
    /// Suffix served for directory requests.
    pub index_document: String,
    /// Key served on errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_document: Option<String>,
}

/// Parses CORS rules: at least one, at most 100, each checked in full.
pub(crate) fn parse_cors(problems: &mut Problems, rules: &[CorsRuleRequest]) -> Option<Vec<CorsRule>> {
    problems.check(rules.is_empty(), "cors", "give at least one rule, or leave cors out");
    if !within(problems, "cors", rules.len(), MAX_RULES) {
        return None;
    }
    let before = problems.total();
    let mut parsed = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        let at = |f: &str| format!("cors[{i}].{f}");
        let lists = [
            ("allowedOrigins", rule.allowed_origins.len()),
            ("allowedMethods", rule.allowed_methods.len()),
            ("allowedHeaders", rule.allowed_headers.len()),
            ("exposeHeaders", rule.expose_headers.len()),
        ];
        if !lists.iter().all(|(field, len)| within(problems, &at(field), *len, MAX_ENTRIES)) {
            continue;
        }
        problems.check(rule.allowed_origins.is_empty(), at("allowedOrigins"), "give at least one origin");
        for origin in &rule.allowed_origins {
            let ok = origin == "*"
                || ((origin.starts_with("https://") || origin.starts_with("http://"))
                    && origin.matches('*').count() <= 1
                    && !origin.ends_with('/'));
            problems.check(
                !ok,
                at("allowedOrigins"),
                format!("{} must be '*' or scheme://host[:port] with at most one '*'", quoted(origin)),
            );
        }
        problems.check(rule.allowed_methods.is_empty(), at("allowedMethods"), "give at least one method");
        let methods: Vec<CorsMethod> = rule
            .allowed_methods
            .iter()
            .filter_map(|m| CorsMethod::parse_into(problems, &at("allowedMethods"), m))
            .collect();
        for header in rule.allowed_headers.iter().chain(&rule.expose_headers) {
            problems.check(header.trim().is_empty(), at("allowedHeaders"), "headers must not be empty");
        }
        let max_age = match rule.max_age_seconds {
            Some(age) if age < 0 => {
                problems.add(at("maxAgeSeconds"), "must not be negative");
                None
            }
            Some(age) => i32::try_from(age).ok().or_else(|| {
                problems.add(at("maxAgeSeconds"), "is too large");
                None
            }),
            None => None,
        };
        parsed.push(CorsRule {
            allowed_origins: rule.allowed_origins.clone(),
            allowed_methods: methods,
            allowed_headers: rule.allowed_headers.clone(),
            expose_headers: rule.expose_headers.clone(),
            max_age_seconds: max_age,
        });
    }
    (problems.total() == before).then_some(parsed)
}

/// Parses website documents.
pub(crate) fn parse_website(problems: &mut Problems, website: &WebsiteRequest) -> Option<Website> {
    let before = problems.total();
    let index = &website.index_document;
    problems.check(index.is_empty(), "website.indexDocument", "must not be empty");
    problems.check(
        index.contains('/'),
        "website.indexDocument",
        "is a suffix like index.html and must not contain '/'",
    );
    problems.check(index.len() > MAX_DOCUMENT, "website.indexDocument", "must be at most 1024 bytes");
    if let Some(error) = &website.error_document {
        problems.check(error.is_empty(), "website.errorDocument", "must not be empty");
        problems.check(error.len() > MAX_DOCUMENT, "website.errorDocument", "must be at most 1024 bytes");
    }
    (problems.total() == before)
        .then(|| Website { index_document: index.clone(), error_document: website.error_document.clone() })
}
