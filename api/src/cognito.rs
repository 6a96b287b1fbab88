//! Production authentication: Cognito user-pool JWTs (RS256) checked against the pool's JWKS.
//! API Gateway's Cognito authorizer checks them too; the API checks again so it never trusts a
//! request it did not verify, and reads the groups it enforces.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use tokio::sync::RwLock;

use crate::auth::{Principal, Verification, Verifier};

/// How long fetched keys are used before the JWKS is read again.
const KEYS_TTL: Duration = Duration::from_secs(3600);
/// Fewest seconds between two reads of the JWKS: tokens with unknown key ids (forged, or
/// signed by a key rotated in a moment ago) cannot make the API hammer Cognito.
const MIN_REFETCH: Duration = Duration::from_secs(30);
/// The JWKS read is bounded; a slow Cognito fails the read, not the request's whole budget.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Verifies Cognito ID and access tokens for one user pool and app client.
pub struct CognitoVerifier {
    issuer: String,
    client_id: String,
    jwks_url: String,
    http: reqwest::Client,
    keys: RwLock<Keys>,
}

/// The last keys read successfully, and when the JWKS was last read (or tried).
#[derive(Default)]
struct Keys {
    fetched: Option<Instant>,
    tried: Option<Instant>,
    by_kid: HashMap<String, DecodingKey>,
}

impl Keys {
    fn fresh(&self) -> bool {
        self.fetched.is_some_and(|at| at.elapsed() < KEYS_TTL)
    }

    fn may_refetch(&self) -> bool {
        self.tried.is_none_or(|at| at.elapsed() >= MIN_REFETCH)
    }
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: String,
    n: String,
    e: String,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    token_use: String,
    #[serde(default)]
    aud: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    /// The user's name in the pool (ID tokens); users cannot change it.
    #[serde(default, rename = "cognito:username")]
    cognito_username: Option<String>,
    /// The same, in access tokens.
    #[serde(default)]
    username: Option<String>,
    #[serde(default, rename = "cognito:groups")]
    groups: Vec<String>,
}

impl CognitoVerifier {
    /// A verifier for tokens issued by `issuer` (`https://cognito-idp.<region>.amazonaws.com/<pool>`)
    /// to `client_id`.
    pub fn new(issuer: &str, client_id: &str) -> Self {
        let issuer = issuer.trim_end_matches('/').to_owned();
        let jwks_url = format!("{issuer}/.well-known/jwks.json");
        Self::with_jwks_url(&issuer, client_id, &jwks_url)
    }

    /// Like [`new`](Self::new) with the JWKS at another URL (tests serve their own).
    pub fn with_jwks_url(issuer: &str, client_id: &str, jwks_url: &str) -> Self {
        Self {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            jwks_url: jwks_url.to_owned(),
            http: reqwest::Client::builder().timeout(FETCH_TIMEOUT).build().unwrap_or_default(),
            keys: RwLock::new(Keys::default()),
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, reqwest::Error> {
        let jwks: Jwks = self.http.get(&self.jwks_url).send().await?.error_for_status()?.json().await?;
        Ok(jwks
            .keys
            .into_iter()
            .filter_map(|k| DecodingKey::from_rsa_components(&k.n, &k.e).ok().map(|d| (k.kid, d)))
            .collect())
    }

    async fn key(&self, kid: &str) -> Option<DecodingKey> {
        {
            let keys = self.keys.read().await;
            let known = keys.by_kid.get(kid).cloned();
            if known.is_some() && keys.fresh() || !keys.may_refetch() {
                return known;
            }
        }
        // Stale keys, or a kid we do not know (Cognito rotates keys): read the JWKS again, at
        // most once per MIN_REFETCH, keeping the last good keys if the read fails.
        let mut keys = self.keys.write().await;
        if keys.may_refetch() {
            keys.tried = Some(Instant::now());
            match self.fetch().await {
                Ok(fetched) => {
                    keys.by_kid = fetched;
                    keys.fetched = Some(Instant::now());
                }
                Err(err) => tracing::warn!(%err, "could not refresh the Cognito JWKS; keeping the last keys"),
            }
        }
        keys.by_kid.get(kid).cloned()
    }

    async fn check(&self, token: &str) -> Option<Principal> {
        let header = decode_header(token).ok()?;
        if header.alg != Algorithm::RS256 {
            return None;
        }
        let key = self.key(header.kid.as_deref()?).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.validate_aud = false; // ID tokens carry `aud`, access tokens `client_id`: checked below
        let claims = decode::<Claims>(token, &key, &validation).ok()?.claims;
        let audience = match claims.token_use.as_str() {
            "id" => claims.aud.as_deref(),
            "access" => claims.client_id.as_deref(),
            _ => None,
        };
        if audience != Some(self.client_id.as_str()) {
            return None;
        }
        // The actor recorded for what the caller starts: an attribute users cannot change
        // themselves (an email address can be).
        let sub = claims.cognito_username.or(claims.username).unwrap_or(claims.sub);
        Some(Principal { sub, groups: claims.groups })
    }
}

impl Verifier for CognitoVerifier {
    fn verify<'a>(&'a self, token: &'a str) -> Verification<'a> {
        Box::pin(self.check(token))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;

    use super::*;

    const KEY: &str = include_str!("../tests/fixtures/test-signing-key.pem");
    const JWKS: &str = include_str!("../tests/fixtures/test-jwks.json");
    const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST";

    fn token(claims: serde_json::Value, kid: &str) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.into());
        encode(&header, &claims, &EncodingKey::from_rsa_pem(KEY.as_bytes()).unwrap()).unwrap()
    }

    async fn serve_jwks() -> String {
        serve_counted_jwks(Arc::default()).await.0
    }

    /// A JWKS endpoint that counts its reads and, once `failing` is set, answers 500.
    async fn serve_counted_jwks(failing: Arc<AtomicBool>) -> (String, Arc<AtomicUsize>) {
        let reads = Arc::new(AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        let counter = reads.clone();
        let app = axum::Router::new().route(
            "/jwks.json",
            axum::routing::get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                let status = if failing.load(Ordering::SeqCst) { 500 } else { 200 };
                async move { (axum::http::StatusCode::from_u16(status).unwrap(), JWKS) }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, reads)
    }

    #[tokio::test]
    async fn unknown_key_ids_refetch_at_most_once_in_a_while_and_failures_keep_the_last_keys() {
        let failing = Arc::new(AtomicBool::new(false));
        let (url, reads) = serve_counted_jwks(failing.clone()).await;
        let verifier = CognitoVerifier::with_jwks_url(ISSUER, "client-1", &url);
        let exp = chrono::Utc::now().timestamp() + 600;
        let claims = json!({"sub": "u", "token_use": "id", "aud": "client-1", "iss": ISSUER, "exp": exp});
        assert!(verifier.check(&token(claims.clone(), "test-key")).await.is_some());
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        for _ in 0..20 {
            assert!(verifier.check(&token(claims.clone(), "forged-kid")).await.is_none());
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1, "unknown kids did not refetch within the interval");
        // The JWKS fails and the keys are stale: the last good keys still verify.
        failing.store(true, Ordering::SeqCst);
        {
            let mut keys = verifier.keys.write().await;
            keys.fetched = Some(Instant::now() - KEYS_TTL - Duration::from_secs(1));
            keys.tried = None;
        }
        assert!(verifier.check(&token(claims, "test-key")).await.is_some(), "kept the last good keys");
        assert_eq!(reads.load(Ordering::SeqCst), 2, "the stale keys were refreshed (and that failed)");
    }

    #[tokio::test]
    async fn verifies_pool_tokens_and_reads_groups() {
        let verifier = CognitoVerifier::with_jwks_url(ISSUER, "client-1", &serve_jwks().await);
        let exp = chrono::Utc::now().timestamp() + 600;
        let id = token(
            json!({"sub": "u1", "token_use": "id", "aud": "client-1", "iss": ISSUER, "exp": exp,
            "email": "ops@example.com", "cognito:username": "ops", "cognito:groups": ["admin"]}),
            "test-key",
        );
        let principal = verifier.check(&id).await.expect("valid ID token");
        assert_eq!(principal.sub, "ops", "the pool's user name is the actor, not the email");
        assert!(principal.require_admin().is_ok());
        let access = token(
            json!({"sub": "u2", "token_use": "access", "client_id": "client-1", "iss": ISSUER, "exp": exp,
            "username": "reader", "cognito:groups": ["read-only"]}),
            "test-key",
        );
        let reader = verifier.check(&access).await.expect("valid access token");
        assert_eq!(reader.sub, "reader");
        assert!(reader.require_admin().is_err());
    }

    #[tokio::test]
    async fn rejects_wrong_issuer_audience_expiry_and_key() {
        let verifier = CognitoVerifier::with_jwks_url(ISSUER, "client-1", &serve_jwks().await);
        let exp = chrono::Utc::now().timestamp() + 600;
        let base = json!({"sub": "u", "token_use": "id", "aud": "client-1", "iss": ISSUER, "exp": exp});
        let with = |field: &str, value: serde_json::Value| {
            let mut c = base.clone();
            c[field] = value;
            c
        };
        for claims in [
            with("iss", json!("https://evil.example")),
            with("aud", json!("other-client")),
            with("exp", json!(1_000_000)),
            with("token_use", json!("refresh")),
        ] {
            assert!(verifier.check(&token(claims.clone(), "test-key")).await.is_none(), "{claims}");
        }
        assert!(verifier.check(&token(base.clone(), "unknown-kid")).await.is_none());
        let mut tampered = token(base, "test-key");
        tampered.replace_range(tampered.len() - 6.., "AAAAAA");
        assert!(verifier.check(&tampered).await.is_none());
    }
}
