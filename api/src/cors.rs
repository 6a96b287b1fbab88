//! Which browser origins may call the API (a console, a front end): answered by the CORS
//! layer before any route, so a preflight needs no token. Locally any `http://localhost:*` and
//! `http://127.0.0.1:*` by default; on AWS the stack names them (`CFM_CORS_ORIGINS`).

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE_SECONDS: u64 = 600;

/// One allowed origin: exact (`https://console.example.com`), or any port of a host
/// (`http://localhost:*`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowed {
    Exact(String),
    AnyPort(String),
}

/// The origins allowed to call the API from a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<Allowed>);

/// A configured origin that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an origin like https://console.example.com or http://localhost:*")]
pub struct BadOrigin(String);

impl AllowedOrigins {
    /// The local default: any port on localhost and 127.0.0.1, over http.
    pub fn local() -> Self {
        Self(vec![Allowed::AnyPort("http://localhost".into()), Allowed::AnyPort("http://127.0.0.1".into())])
    }

    /// Parses a comma-separated list; an empty one allows no browser origin.
    pub fn parse(list: &str) -> Result<Self, BadOrigin> {
        let entries = list.split(',').map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty());
        entries
            .map(|entry| {
                let (scheme, rest) = entry.split_once("://").ok_or_else(|| BadOrigin(entry.to_owned()))?;
                let host_ok = |host: &str| !host.is_empty() && !host.contains(['/', '?', '#', '*', ' ']);
                if !matches!(scheme, "http" | "https") {
                    return Err(BadOrigin(entry.to_owned()));
                }
                match rest.strip_suffix(":*") {
                    Some(host) if host_ok(host) => Ok(Allowed::AnyPort(format!("{scheme}://{host}"))),
                    None if host_ok(rest.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches(':')) => {
                        Ok(Allowed::Exact(entry.to_owned()))
                    }
                    _ => Err(BadOrigin(entry.to_owned())),
                }
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Whether a request's `Origin` is allowed (schemes and hosts compare case-insensitively).
    pub fn allows(&self, origin: &str) -> bool {
        let origin = origin.to_ascii_lowercase();
        self.0.iter().any(|allowed| match allowed {
            Allowed::Exact(exact) => origin == *exact,
            Allowed::AnyPort(host) => origin.strip_prefix(host.as_str()).is_some_and(|rest| {
                rest.is_empty()
                    || rest.strip_prefix(':').is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty())
            }),
        })
    }

    /// The layer that answers preflights and marks answers for these origins.
    pub(crate) fn layer(&self) -> CorsLayer {
        let origins = self.clone();
        CorsLayer::new()
            .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
                origin.to_str().is_ok_and(|o| origins.allows(o))
            }))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static("x-correlation-id"),
            ])
            .expose_headers([
                header::LOCATION,
                HeaderName::from_static("idempotent-replayed"),
                crate::access::REQUEST_ID,
            ])
            .max_age(std::time::Duration::from_secs(PREFLIGHT_MAX_AGE_SECONDS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_exactly_or_on_any_port() {
        let local = AllowedOrigins::local();
        assert!(
            local.allows("http://localhost:5173")
                && local.allows("http://localhost")
                && local.allows("http://127.0.0.1:8080")
        );
        for other in
            ["https://localhost:5173", "http://localhost.evil.com", "http://localhost:80x", "http://localhost:"]
        {
            assert!(!local.allows(other), "{other}");
        }
        let listed = AllowedOrigins::parse("https://console.example.com, http://dev.example.com:*").unwrap();
        assert!(listed.allows("https://console.example.com") && listed.allows("http://dev.example.com:3000"));
        assert!(!listed.allows("https://console.example.com.evil.com"));
        assert!(AllowedOrigins::parse("https://Console.example.com").unwrap().allows("https://console.EXAMPLE.com"));
        assert!(AllowedOrigins::parse("").unwrap().0.is_empty(), "none");
        for bad in ["console.example.com", "ftp://x", "https://*.example.com", "https://x/path"] {
            assert!(AllowedOrigins::parse(bad).is_err(), "{bad}");
        }
    }
}
