//! Names users give: display names, buckets, regions, hostnames, keys and paths.

use crate::checked_text;
use crate::problems::quoted;

/// Commercial AWS regions with S3 (opt-in regions included).
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

checked_text!(
    /// A display name: 1 to 128 characters, not blank, no control characters.
    DisplayName, "a name", |text, broken| {
        if text.trim().is_empty() {
            broken.push("is required and must not be blank".into());
        }
        if text.chars().count() > 128 {
            broken.push("must be at most 128 characters".into());
        }
        if text.chars().any(char::is_control) {
            broken.push("must not contain control characters".into());
        }
    }
);

impl DisplayName {
    /// A name for something that was given none: `fallback`, shortened and made printable.
    pub fn from_name(fallback: &str) -> Self {
        let printable: String = fallback.chars().filter(|c| !c.is_control()).take(128).collect();
        Self(if printable.trim().is_empty() { "unnamed".into() } else { printable })
    }
}

checked_text!(
    /// Free text, at most 128 characters (CloudFront's limit on a comment).
    Comment, "a comment", |text, broken| {
        if text.chars().count() > 128 {
            broken.push("must be at most 128 characters".into());
        }
    }
);

checked_text!(
    /// An S3 general-purpose bucket name, without dots: a dotted name breaks TLS on the
    /// bucket's virtual-hosted endpoint that CloudFront uses.
    BucketName, "a bucket name", |name, broken| {
        if name.is_empty() {
            broken.push("is required".into());
            return;
        }
        if !(3..=63).contains(&name.len()) {
            broken.push("must be 3 to 63 characters long".into());
        }
        if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.') {
            broken.push("may contain only lowercase letters, digits and hyphens".into());
        }
        if name.contains('.') {
            broken.push("must not contain dots (they break TLS on the S3 endpoint)".into());
        }
        let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !(edge_ok(name.as_bytes().first()) && edge_ok(name.as_bytes().last())) {
            broken.push("must begin and end with a letter or digit".into());
        }
        for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
            if name.starts_with(prefix) {
                broken.push(format!("must not start with '{prefix}'"));
            }
        }
        for suffix in ["-s3alias", "--ol-s3", "--x-s3", "--table-s3"] {
            if name.ends_with(suffix) {
                broken.push(format!("must not end with '{suffix}'"));
            }
        }
    }
);

checked_text!(
    /// An AWS region an origin bucket may live in.
    Region, "an AWS region", |text, broken| {
        if text.is_empty() {
            broken.push("is required (e.g. us-east-1, eu-west-1)".into());
        } else if !REGIONS.contains(&text) {
            broken.push(format!("{} is not an AWS region (e.g. us-east-1, eu-west-1)", quoted(text)));
        }
    }
);

impl Region {
    /// us-east-1, where CloudFront's control plane and its certificates live.
    pub fn global() -> Self {
        Self("us-east-1".into())
    }
}

/// Whether `text` is a lowercase DNS name of two labels or more, without wildcards.
pub(super) fn is_dns_name(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    text.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

checked_text!(
    /// A lowercase DNS name of two labels or more; `*.` is allowed as the first label.
    Hostname, "a domain name", |text, broken| {
        if !is_dns_name(text.strip_prefix("*.").unwrap_or(text)) {
            broken.push(format!("{} is not a valid lowercase domain name", quoted(text)));
        }
    }
);

impl Hostname {
    /// Whether this certificate name (maybe `*.example.com`) covers `alias`.
    pub fn covers(&self, alias: &Hostname) -> bool {
        match self.0.strip_prefix("*.") {
            Some(parent) => {
                alias.0.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && label != "*" && rest == parent)
                    || alias.0 == self.0
            }
            None => self.0 == alias.0,
        }
    }
}

checked_text!(
    /// An object key served for `/`, like `index.html`: 1 to 255 characters, no leading '/'.
    ObjectKey, "an object key", |text, broken| {
        if text.starts_with('/') {
            broken.push("is an object key like index.html, without a leading '/'".into());
        }
        if text.is_empty() || text.len() > 255 {
            broken.push("must be 1 to 255 characters".into());
        }
    }
);

/// Longest invalidation path CloudFront takes.
const MAX_PATH_LEN: usize = 4096;

checked_text!(
    /// An invalidation path: starts with '/', '*' only at the end, no spaces.
    InvalidationPath, "an invalidation path", |path, broken| {
        if path.len() > MAX_PATH_LEN {
            broken.push(format!("must be at most {MAX_PATH_LEN} characters"));
            return;
        }
        if !path.starts_with('/') {
            broken.push(format!("{} must start with '/'", quoted(path)));
        }
        if path.trim_end_matches('*').contains('*') {
            broken.push("'*' is only allowed at the end".into());
        }
        if path.chars().any(char::is_whitespace) {
            broken.push("must not contain spaces (URL-encode them)".into());
        }
    }
);

impl InvalidationPath {
    /// Whether it ends in a wildcard (CloudFront limits those in progress).
    pub fn is_wildcard(&self) -> bool {
        self.0.ends_with('*')
    }
}

checked_text!(
    /// A tag key: 1 to 128 characters, not starting with `aws:`.
    TagKey, "a tag key", |key, broken| {
        if key.is_empty() || key.len() > 128 {
            broken.push("keys must be 1 to 128 characters".into());
        }
        if key.starts_with("aws:") {
            broken.push("keys must not start with 'aws:'".into());
        }
    }
);

checked_text!(
    /// A tag value: at most 256 characters.
    TagValue, "a tag value", |value, broken| {
        if value.len() > 256 {
            broken.push("values must be at most 256 characters".into());
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Checked;

    #[test]
    fn bucket_name_rules() {
        for bad in ["ab", "a.b.c", "-abc", "abc-", "xn--abc", "abc-s3alias", "ABC", &"a".repeat(64)] {
            assert!(BucketName::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(BucketName::parse("my-bucket-01").is_ok());
    }

    #[test]
    fn hostnames_and_wildcards() {
        for good in ["cdn.example.com", "*.example.com"] {
            assert!(Hostname::parse(good).is_ok(), "{good}");
        }
        for bad in ["example", "a.*.example.com", "Bad Host"] {
            assert!(Hostname::parse(bad).is_err(), "{bad}");
        }
        let host = |h: &str| Hostname::parse(h).unwrap();
        assert!(host("*.example.com").covers(&host("cdn.example.com")));
        assert!(host("*.example.com").covers(&host("*.example.com")));
        assert!(!host("*.example.com").covers(&host("a.b.example.com")));
        assert!(!host("*.example.com").covers(&host("example.com")));
    }

    #[test]
    fn paths() {
        assert!(InvalidationPath::parse("/a/*").is_ok());
        assert!(InvalidationPath::parse("a").is_err());
        assert!(InvalidationPath::parse("/a*b").is_err());
        assert_eq!(InvalidationPath::parse("x y*z").unwrap_err().len(), 3);
    }
}

checked_text!(
    /// An `Idempotency-Key`: 1 to 128 visible ASCII characters. A retry with the same key names
    /// the same resource and execution.
    IdempotencyKey, "an Idempotency-Key", |text, broken| {
        if !(1..=128).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_graphic()) {
            broken.push("must be 1 to 128 visible ASCII characters".into());
        }
    }
);
