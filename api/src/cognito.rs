//! Production authentication: Cognito user-pool JWTs (RS256) checked against the pool's JWKS.
//! API Gateway's Cognito authorizer checks them too; the API checks again so it never trusts a
//! request it did not verify, and reads the groups it enforces.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use tokio::sync::RwLock;

use crate::auth::{Principal, Verification, Verifier};

/// How long fetched keys are trusted before the JWKS is read again.
const KEYS_TTL: Duration = Duration::from_secs(3600);

/// Verifies Cognito ID and access tokens for one user pool and app client.
pub struct CognitoVerifier {
    issuer: String,
    client_id: String,
    jwks_url: String,
    http: reqwest::Client,
    keys: RwLock<Option<(Instant, HashMap<String, DecodingKey>)>>,
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
    #[serde(default)]
    email: Option<String>,
    #[serde(default, rename = "cognito:username")]
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
            http: reqwest::Client::new(),
            keys: RwLock::new(None),
        }
    }

    async fn key(&self, kid: &str) -> Option<DecodingKey> {
        if let Some((fetched, keys)) = self.keys.read().await.as_ref()
            && fetched.elapsed() < KEYS_TTL
            && let Some(key) = keys.get(kid)
        {
            return Some(key.clone());
        }
        // Unknown kid or stale keys: Cognito rotates keys, so read the JWKS again.
        let jwks: Jwks = match self.http.get(&self.jwks_url).send().await {
            Ok(r) => r.json().await.ok()?,
            Err(err) => {
                tracing::warn!(%err, "could not fetch the Cognito JWKS");
                return None;
            }
        };
        let keys: HashMap<String, DecodingKey> = jwks
            .keys
            .into_iter()
            .filter_map(|k| DecodingKey::from_rsa_components(&k.n, &k.e).ok().map(|d| (k.kid, d)))
            .collect();
        let key = keys.get(kid).cloned();
        *self.keys.write().await = Some((Instant::now(), keys));
        key
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
        let sub = claims.email.or(claims.username).unwrap_or(claims.sub);
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        let app = axum::Router::new().route("/jwks.json", axum::routing::get(|| async { JWKS }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    }

    #[tokio::test]
    async fn verifies_pool_tokens_and_reads_groups() {
        let verifier = CognitoVerifier::with_jwks_url(ISSUER, "client-1", &serve_jwks().await);
        let exp = chrono::Utc::now().timestamp() + 600;
        let id = token(
            json!({"sub": "u1", "token_use": "id", "aud": "client-1", "iss": ISSUER, "exp": exp,
            "email": "ops@example.com", "cognito:groups": ["admin"]}),
            "test-key",
        );
        let principal = verifier.check(&id).await.expect("valid ID token");
        assert_eq!(principal.sub, "ops@example.com");
        assert!(principal.require_admin().is_ok());
        let access = token(
            json!({"sub": "u2", "token_use": "access", "client_id": "client-1", "iss": ISSUER, "exp": exp,
            "cognito:username": "reader", "cognito:groups": ["read-only"]}),
            "test-key",
        );
        let reader = verifier.check(&access).await.expect("valid access token");
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
