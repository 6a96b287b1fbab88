//! Rules for distribution specs and invalidation paths. Each function reports every problem.

use std::collections::HashSet;

use cfm_events::distribution::{CustomErrorResponse, DistributionSpec};

use crate::problems::{Problems, excerpt, quoted};

/// Managed cache policies by name (CloudFront's published ids).
pub const CACHE_POLICIES: &[(&str, &str)] = &[
    ("CachingOptimized", "658327ea-f89d-4fab-a63d-7e88639e58f6"),
    ("CachingDisabled", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
    ("CachingOptimizedForUncompressedObjects", "b2884449-e4de-46a7-ac36-70bc7f1ddd6d"),
];
/// Viewer protocol policies.
pub const VIEWER_PROTOCOL_POLICIES: &[&str] = &["allow-all", "redirect-to-https", "https-only"];
/// Allowed-methods presets.
pub const ALLOWED_METHODS: &[&str] = &["GET_HEAD", "GET_HEAD_OPTIONS", "ALL"];
/// HTTP versions.
pub const HTTP_VERSIONS: &[&str] = &["http1.1", "http2", "http3", "http2and3"];
/// Price classes.
pub const PRICE_CLASSES: &[&str] = &["PriceClass_100", "PriceClass_200", "PriceClass_All"];
/// Minimum TLS versions for a custom certificate (SNI).
pub const TLS_VERSIONS: &[&str] =
    &["TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.3_2025"];
/// Status codes CloudFront can replace with a custom error response.
const ERROR_CODES: &[i32] = &[400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];
/// CloudFront quotas (aws-facts.md §2.2).
const MAX_ALIASES: usize = 100;
const MAX_TAGS: usize = 50;
/// Invalidation limits: paths per request, wildcard paths in progress (InvalidationLimits).
pub const MAX_INVALIDATION_PATHS: usize = 3000;
/// Wildcard paths per distribution in progress.
pub const MAX_WILDCARD_PATHS: usize = 15;
const MAX_PATH_LEN: usize = 4096;

/// The id of a managed cache policy name.
pub fn cache_policy_id(name: &str) -> Option<&'static str> {
    CACHE_POLICIES.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
}

/// Validates a spec for creating a distribution: `name` and `originId` are required.
pub fn validate_create(spec: &DistributionSpec) -> Result<(), Problems> {
    let mut problems = Problems::new();
    problems.check(spec.name.is_none(), "name", "is required");
    problems.check(spec.origin_id.is_none(), "originId", "is required: the id of an S3 origin (org-…)");
    check_fields(&mut problems, spec);
    problems.into_result(())
}

/// Validates a partial change; an empty one is a problem too.
pub fn validate_patch(patch: &DistributionSpec) -> Result<(), Problems> {
    let mut problems = Problems::new();
    problems.check(patch.set_fields().is_empty(), "body", "nothing to change: give at least one field");
    problems.check(
        patch.origin_id.is_some(),
        "originId",
        "cannot change; create a new distribution for another origin",
    );
    check_fields(&mut problems, patch);
    problems.into_result(())
}

/// Checks every field that is set. Used for full specs, patches and templates alike.
pub fn check_fields(problems: &mut Problems, spec: &DistributionSpec) {
    if let Some(name) = &spec.name {
        problems.check(name.trim().is_empty(), "name", "must not be blank");
        problems.check(name.chars().count() > 128, "name", "must be at most 128 characters");
    }
    if let Some(origin) = &spec.origin_id {
        problems.check(!origin.starts_with("org-"), "originId", "must be an origin id (org-…)");
    }
    one_of(problems, "cachePolicy", &spec.cache_policy, &CACHE_POLICIES.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    one_of(problems, "viewerProtocolPolicy", &spec.viewer_protocol_policy, VIEWER_PROTOCOL_POLICIES);
    one_of(problems, "allowedMethods", &spec.allowed_methods, ALLOWED_METHODS);
    one_of(problems, "httpVersion", &spec.http_version, HTTP_VERSIONS);
    one_of(problems, "priceClass", &spec.price_class, PRICE_CLASSES);
    one_of(problems, "minimumProtocolVersion", &spec.minimum_protocol_version, TLS_VERSIONS);
    check_aliases(problems, spec);
    if let Some(arn) = &spec.certificate_arn {
        check_certificate_arn(problems, "certificateArn", arn);
    }
    problems.check(
        spec.minimum_protocol_version.is_some() && spec.certificate_arn.is_none(),
        "minimumProtocolVersion",
        "needs certificateArn (the default *.cloudfront.net certificate fixes it at TLSv1)",
    );
    if let Some(root) = &spec.default_root_object {
        problems.check(
            root.starts_with('/'),
            "defaultRootObject",
            "is an object key like index.html, without a leading '/'",
        );
        problems.check(root.is_empty() || root.len() > 255, "defaultRootObject", "must be 1 to 255 characters");
    }
    if let Some(responses) = &spec.custom_error_responses {
        check_error_responses(problems, responses);
    }
    if let Some(logging) = &spec.logging {
        problems.check(
            !logging.bucket.ends_with(".s3.amazonaws.com"),
            "logging.bucket",
            "must be a bucket domain like logs.s3.amazonaws.com",
        );
        problems.check(logging.prefix.starts_with('/'), "logging.prefix", "must not start with '/'");
    }
    if let Some(comment) = &spec.comment {
        problems.check(comment.chars().count() > 128, "comment", "must be at most 128 characters");
    }
    if let Some(tags) = &spec.tags
        && within(problems, "tags", tags.len(), MAX_TAGS)
    {
        for (key, value) in tags {
            let at = || format!("tags.{}", excerpt(key));
            problems.check(key.is_empty() || key.len() > 128, at(), "keys must be 1 to 128 characters");
            problems.check(key.starts_with("aws:"), at(), "keys must not start with 'aws:'");
            problems.check(value.len() > 256, at(), "values must be at most 256 characters");
        }
    }
}

fn one_of(problems: &mut Problems, field: &str, value: &Option<String>, allowed: &[&str]) {
    if let Some(value) = value
        && !allowed.contains(&value.as_str())
    {
        problems.add(field, format!("{} is not one of {}", quoted(value), allowed.join(", ")));
    }
}

/// Whether a list is within `max` items; a longer one is reported once and not checked item by
/// item, so an oversized list costs no more than its length.
pub fn within(problems: &mut Problems, field: &str, len: usize, max: usize) -> bool {
    problems.check(len > max, field, format!("at most {max} items (got {len})"));
    len <= max
}

/// Reports items listed more than once, in one pass.
pub fn check_unique<'a>(problems: &mut Problems, field: &str, items: impl IntoIterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for (i, item) in items.into_iter().enumerate() {
        if !seen.insert(item) {
            problems.add(format!("{field}[{i}]"), format!("{} is listed twice", quoted(item)));
        }
    }
}

fn check_aliases(problems: &mut Problems, spec: &DistributionSpec) {
    let Some(aliases) = &spec.aliases else { return };
    problems.check(
        !aliases.is_empty() && spec.certificate_arn.is_none(),
        "aliases",
        "need certificateArn: an ACM certificate in us-east-1 covering every alias",
    );
    if !within(problems, "aliases", aliases.len(), MAX_ALIASES) {
        return;
    }
    for (i, alias) in aliases.iter().enumerate() {
        problems.check(
            !is_hostname(alias),
            format!("aliases[{i}]"),
            format!("{} is not a valid lowercase domain name", quoted(alias)),
        );
    }
    check_unique(problems, "aliases", aliases.iter().map(String::as_str));
}

/// A lowercase DNS name; `*.` is allowed as the first label.
pub fn is_hostname(name: &str) -> bool {
    let name = name.strip_prefix("*.").unwrap_or(name);
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// An ACM certificate ARN in us-east-1 (CloudFront only takes those).
pub fn check_certificate_arn(problems: &mut Problems, field: &str, arn: &str) {
    let parts: Vec<&str> = arn.split(':').collect();
    let shaped = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "acm"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].strip_prefix("certificate/").is_some_and(|id| !id.is_empty());
    if !shaped {
        problems.add(field, "must be an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)");
    } else if parts[3] != "us-east-1" {
        problems.add(field, format!("is in {}; CloudFront only uses certificates in us-east-1", excerpt(parts[3])));
    }
}

fn check_error_responses(problems: &mut Problems, responses: &[CustomErrorResponse]) {
    // Each customisable code at most once.
    if !within(problems, "customErrorResponses", responses.len(), ERROR_CODES.len()) {
        return;
    }
    let mut seen = HashSet::new();
    for (i, r) in responses.iter().enumerate() {
        let at = |f: &str| format!("customErrorResponses[{i}].{f}");
        problems.check(
            !ERROR_CODES.contains(&r.error_code),
            at("errorCode"),
            format!("{} cannot be customised", r.error_code),
        );
        problems.check(!seen.insert(r.error_code), at("errorCode"), format!("{} is listed twice", r.error_code));
        if let Some(code) = r.response_code {
            problems.check(!(200..=599).contains(&code), at("responseCode"), "must be an HTTP status (200-599)");
        }
        if let Some(path) = &r.response_page_path {
            problems.check(!path.starts_with('/'), at("responsePagePath"), "must start with '/'");
            problems.check(r.response_code.is_none(), at("responseCode"), "is required with responsePagePath");
        }
        if let Some(ttl) = r.error_caching_min_ttl {
            problems.check(ttl < 0, at("errorCachingMinTtl"), "must not be negative");
        }
    }
}

/// Validates invalidation paths: each starts with `/`, `*` only at the end, within the limits.
/// Linear in the input: the count is checked first and an oversized list is not checked further.
pub fn validate_paths(paths: &[String]) -> Result<(), Problems> {
    let mut problems = Problems::new();
    problems.check(paths.is_empty(), "paths", "give at least one path, e.g. /index.html or /images/*");
    if !within(&mut problems, "paths", paths.len(), MAX_INVALIDATION_PATHS) {
        return problems.into_result(());
    }
    let wildcards = paths.iter().filter(|p| p.ends_with('*')).count();
    problems.check(wildcards > MAX_WILDCARD_PATHS, "paths", format!("at most {MAX_WILDCARD_PATHS} wildcard paths"));
    for (i, path) in paths.iter().enumerate() {
        let at = || format!("paths[{i}]");
        if path.len() > MAX_PATH_LEN {
            problems.add(at(), format!("must be at most {MAX_PATH_LEN} characters"));
            continue;
        }
        problems.check(!path.starts_with('/'), at(), format!("{} must start with '/'", quoted(path)));
        problems.check(path.trim_end_matches('*').contains('*'), at(), "'*' is only allowed at the end");
        problems.check(path.chars().any(char::is_whitespace), at(), "must not contain spaces (URL-encode them)");
    }
    check_unique(&mut problems, "paths", paths.iter().map(String::as_str));
    problems.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<(), Problems>) -> Vec<String> {
        result.err().map(|p| p.list().iter().map(|p| p.field.clone()).collect()).unwrap_or_default()
    }

    #[test]
    fn a_minimal_spec_is_valid() {
        let spec = DistributionSpec { name: Some("s".into()), origin_id: Some("org-1".into()), ..Default::default() };
        assert_eq!(validate_create(&spec), Ok(()));
    }

    #[test]
    fn every_problem_is_reported() {
        let spec = DistributionSpec {
            cache_policy: Some("Fast".into()),
            aliases: Some(vec!["Bad Host".into()]),
            certificate_arn: Some("arn:aws:acm:eu-west-1:123456789012:certificate/abc".into()),
            default_root_object: Some("/index.html".into()),
            ..Default::default()
        };
        let fields = fields(validate_create(&spec));
        for f in ["name", "originId", "cachePolicy", "aliases[0]", "certificateArn", "defaultRootObject"] {
            assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn hostnames_and_paths() {
        assert!(is_hostname("cdn.example.com"));
        assert!(is_hostname("*.example.com"));
        assert!(!is_hostname("example"));
        assert!(!is_hostname("a.*.example.com"));
        assert_eq!(validate_paths(&["/a".into(), "/b/*".into()]), Ok(()));
        assert_eq!(fields(validate_paths(&["a".into()])), ["paths[0]"]);
        assert_eq!(fields(validate_paths(&["/a*b".into()])), ["paths[0]"]);
    }
}
