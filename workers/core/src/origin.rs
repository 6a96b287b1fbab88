//! Rules for S3 origins. Each function reports every problem it finds.

use cfm_events::origin::{CorsRule, OriginPatch, OriginSpec, Website};

use crate::distribution::within;
use crate::problems::{Problems, quoted};
use crate::region::is_region;

/// Longest display name.
const MAX_NAME: usize = 128;
/// S3 allows at most 100 CORS rules per bucket.
const MAX_CORS_RULES: usize = 100;
const CORS_METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD"];
/// Entries per list inside one CORS rule (S3 caps the whole configuration at 64 KB).
const MAX_CORS_ENTRIES: usize = 100;

/// Validates a create request.
pub fn validate_spec(spec: &OriginSpec) -> Result<(), Problems> {
    let mut problems = Problems::new();
    check_name(&mut problems, &spec.name);
    check_bucket_name(&mut problems, "bucketName", &spec.bucket_name);
    if spec.region.is_empty() {
        problems.add("region", "is required (e.g. us-east-1, eu-west-1)");
    } else if !is_region(&spec.region) {
        problems.add("region", format!("{} is not an AWS region (e.g. us-east-1, eu-west-1)", quoted(&spec.region)));
    }
    if let Some(rules) = &spec.cors {
        check_cors(&mut problems, rules);
    }
    if let Some(website) = &spec.website {
        check_website(&mut problems, website);
    }
    problems.into_result(())
}

/// Validates an update request; an empty patch is a problem too.
pub fn validate_patch(patch: &OriginPatch) -> Result<(), Problems> {
    let mut problems = Problems::new();
    problems.check(patch.changed_fields().is_empty(), "body", "nothing to change: give name, cors or website");
    if let Some(name) = &patch.name {
        check_name(&mut problems, name);
    }
    if let Some(Some(rules)) = &patch.cors {
        check_cors(&mut problems, rules);
    }
    if let Some(Some(website)) = &patch.website {
        check_website(&mut problems, website);
    }
    problems.into_result(())
}

fn check_name(problems: &mut Problems, name: &str) {
    problems.check(name.trim().is_empty(), "name", "is required and must not be blank");
    problems.check(name.chars().count() > MAX_NAME, "name", format!("must be at most {MAX_NAME} characters"));
    problems.check(name.chars().any(char::is_control), "name", "must not contain control characters");
}

/// S3 general-purpose bucket naming rules, plus cfm's rule against dots: a dotted name breaks
/// TLS on the bucket's virtual-hosted endpoint that CloudFront uses.
pub fn check_bucket_name(problems: &mut Problems, field: &str, name: &str) {
    if name.is_empty() {
        problems.add(field, "is required");
        return;
    }
    let len = name.len();
    problems.check(!(3..=63).contains(&len), field, "must be 3 to 63 characters long");
    problems.check(
        !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
        field,
        "may contain only lowercase letters, digits and hyphens",
    );
    problems.check(name.contains('.'), field, "must not contain dots (they break TLS on the S3 endpoint)");
    let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    problems.check(
        !(edge_ok(name.as_bytes().first()) && edge_ok(name.as_bytes().last())),
        field,
        "must begin and end with a letter or digit",
    );
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        problems.check(name.starts_with(prefix), field, format!("must not start with '{prefix}'"));
    }
    for suffix in ["-s3alias", "--ol-s3", "--x-s3", "--table-s3"] {
        problems.check(name.ends_with(suffix), field, format!("must not end with '{suffix}'"));
    }
}

fn check_cors(problems: &mut Problems, rules: &[CorsRule]) {
    problems.check(rules.is_empty(), "cors", "give at least one rule, or leave cors out");
    if !within(problems, "cors", rules.len(), MAX_CORS_RULES) {
        return;
    }
    for (i, rule) in rules.iter().enumerate() {
        let at = |f: &str| format!("cors[{i}].{f}");
        let lists = [
            ("allowedOrigins", rule.allowed_origins.len()),
            ("allowedMethods", rule.allowed_methods.len()),
            ("allowedHeaders", rule.allowed_headers.len()),
            ("exposeHeaders", rule.expose_headers.len()),
        ];
        if !lists.iter().all(|(field, len)| within(problems, &at(field), *len, MAX_CORS_ENTRIES)) {
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
        for method in &rule.allowed_methods {
            problems.check(
                !CORS_METHODS.contains(&method.as_str()),
                at("allowedMethods"),
                format!("{} is not one of {}", quoted(method), CORS_METHODS.join(", ")),
            );
        }
        for header in rule.allowed_headers.iter().chain(&rule.expose_headers) {
            problems.check(header.trim().is_empty(), at("allowedHeaders"), "headers must not be empty");
        }
        if let Some(age) = rule.max_age_seconds {
            problems.check(age < 0, at("maxAgeSeconds"), "must not be negative");
        }
    }
}

fn check_website(problems: &mut Problems, website: &Website) {
    let index = &website.index_document;
    problems.check(index.is_empty(), "website.indexDocument", "must not be empty");
    problems.check(
        index.contains('/'),
        "website.indexDocument",
        "is a suffix like index.html and must not contain '/'",
    );
    problems.check(index.len() > 1024, "website.indexDocument", "must be at most 1024 bytes");
    if let Some(error) = &website.error_document {
        problems.check(error.is_empty(), "website.errorDocument", "must not be empty");
        problems.check(error.len() > 1024, "website.errorDocument", "must be at most 1024 bytes");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> OriginSpec {
        OriginSpec {
            name: "site".into(),
            bucket_name: "cfm-site-1".into(),
            region: "eu-west-1".into(),
            cors: None,
            website: None,
        }
    }

    fn fields(result: Result<(), Problems>) -> Vec<String> {
        result.unwrap_err().list().iter().map(|p| p.field.clone()).collect()
    }

    #[test]
    fn a_valid_spec_passes() {
        assert_eq!(validate_spec(&spec()), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = OriginSpec {
            name: " ".into(),
            bucket_name: "Bad_Name".into(),
            region: "mars-1".into(),
            cors: Some(vec![CorsRule {
                allowed_origins: vec![],
                allowed_methods: vec!["PATCH".into()],
                allowed_headers: vec![],
                expose_headers: vec![],
                max_age_seconds: Some(-1),
            }]),
            website: Some(Website { index_document: "a/index.html".into(), error_document: None }),
        };
        let fields = fields(validate_spec(&bad));
        for field in [
            "name",
            "bucketName",
            "region",
            "cors[0].allowedOrigins",
            "cors[0].allowedMethods",
            "cors[0].maxAgeSeconds",
            "website.indexDocument",
        ] {
            assert!(fields.iter().any(|f| f == field), "{field} not in {fields:?}");
        }
    }

    #[test]
    fn bucket_name_rules() {
        for bad in ["ab", "a.b.c", "-abc", "abc-", "xn--abc", "abc-s3alias", "ABC", &"a".repeat(64)] {
            let mut p = Problems::new();
            check_bucket_name(&mut p, "bucketName", bad);
            assert!(!p.is_empty(), "{bad} should be rejected");
        }
        let mut p = Problems::new();
        check_bucket_name(&mut p, "bucketName", "my-bucket-01");
        assert!(p.is_empty());
    }

    #[test]
    fn an_empty_patch_is_rejected() {
        assert_eq!(fields(validate_patch(&OriginPatch::default())), ["body"]);
        let patch = OriginPatch { cors: Some(None), ..Default::default() };
        assert_eq!(validate_patch(&patch), Ok(()));
    }
}
