//! Names that route requests: custom origin domains and paths, origin headers, cache-behaviour
//! path patterns and origin-group ids.

use super::names::is_dns_name;
use crate::checked_text;
use crate::problems::quoted;

checked_text!(
    /// A custom origin's domain: a DNS name, never an IP address (CloudFront refuses those).
    OriginDomain, "an origin domain name", |text, broken| {
        if text.parse::<std::net::IpAddr>().is_ok() || text.split('.').all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
            broken.push(format!("{} is an IP address; CloudFront needs a DNS name", quoted(text)));
        } else if text.bytes().any(|b| b.is_ascii_uppercase()) {
            broken.push(format!("{} must be lowercase", quoted(text)));
        } else if !is_dns_name(text) {
            broken.push(format!("{} is not a valid DNS name like api.example.com", quoted(text)));
        }
    }
);

checked_text!(
    /// A path CloudFront puts before every request to the origin: starts with '/', does not end
    /// with one, at most 255 characters.
    OriginPath, "an origin path", |text, broken| {
        if !text.starts_with('/') || text.ends_with('/') {
            broken.push("must start with '/' and not end with '/' (e.g. /production)".into());
        }
        if text.len() > 255 {
            broken.push("must be at most 255 characters".into());
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            broken.push("must not contain spaces or control characters".into());
        }
    }
);

/// Headers CloudFront will not send as custom origin headers (aws-facts: CloudFront quotas).
const RESERVED_HEADERS: &[&str] = &[
    "cache-control",
    "connection",
    "content-length",
    "cookie",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "max-forwards",
    "pragma",
    "proxy-authorization",
    "proxy-connection",
    "range",
    "request-range",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "x-real-ip",
];

checked_text!(
    /// A custom header CloudFront adds to origin requests: a token, not one CloudFront owns.
    HeaderName, "a header name", |text, broken| {
        let lower = text.to_ascii_lowercase();
        if text.is_empty() || text.len() > 256 {
            broken.push("must be 1 to 256 characters".into());
        } else if !text.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
            broken.push(format!("{} is not an HTTP header name", quoted(text)));
        } else if RESERVED_HEADERS.contains(&lower.as_str())
            || lower.starts_with("x-amz-")
            || lower.starts_with("x-edge-")
            || lower.starts_with("cloudfront-")
        {
            broken.push(format!("{} is a header CloudFront does not let origins be sent", quoted(text)));
        }
    }
);

checked_text!(
    /// A cache behaviour's path pattern, like `/api/*` or `*.jpg`: at most 255 characters of
    /// the set CloudFront allows, and not `*` (the default behaviour's).
    PathPattern, "a path pattern", |text, broken| {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "_-.*$/~\"'@:+&?".contains(c);
        if text.is_empty() || text.len() > 255 {
            broken.push("must be 1 to 255 characters".into());
        } else if text == "*" || text == "/*" {
            broken.push(format!("{} is the default behaviour's; set the defaults at the top level", quoted(text)));
        } else if !text.chars().all(allowed) {
            broken.push(format!("{} may use only letters, digits and _-.*$/~\"'@:+&?", quoted(text)));
        }
    }
);

checked_text!(
    /// An origin group's id inside a distribution: 1 to 64 letters, digits, '-' or '_', and
    /// never shaped like a cfm origin id.
    GroupId, "an origin group id", |text, broken| {
        if !(1..=64).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            broken.push("must be 1 to 64 letters, digits, '-' or '_'".into());
        } else if text.starts_with("org-") {
            broken.push("must not start with 'org-' (origin ids do)".into());
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Checked;

    #[test]
    fn origin_domains_are_dns_names_not_addresses() {
        assert!(OriginDomain::parse("api.example.com").is_ok());
        for bad in ["10.0.0.1", "::1", "1.2.3", "API.example.com", "localhost", "a..b", "*.example.com"] {
            assert!(OriginDomain::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn headers_patterns_and_groups() {
        assert!(HeaderName::parse("X-Origin-Verify").is_ok());
        for bad in ["Host", "X-Amz-Date", "bad header", ""] {
            assert!(HeaderName::parse(bad).is_err(), "{bad}");
        }
        assert!(PathPattern::parse("/api/*").is_ok());
        assert!(PathPattern::parse("*.jpg").is_ok());
        for bad in ["*", "/a b", ""] {
            assert!(PathPattern::parse(bad).is_err(), "{bad}");
        }
        assert!(GroupId::parse("assets-failover").is_ok());
        assert!(GroupId::parse("org-123").is_err());
        assert!(OriginPath::parse("/prod").is_ok());
        assert!(OriginPath::parse("prod/").is_err());
    }
}
