//! Authentication. The API asks a [`Verifier`] who a bearer token belongs to. Locally that is
//! [`LocalTokens`] (HS256 JWTs signed with a per-stack key); on AWS a Cognito JWKS verifier
//! plugs in behind the same trait.

use std::future::Future;
use std::pin::Pin;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

/// The group whose members may change things; everyone else may only read.
pub const ADMIN_GROUP: &str = "admin";

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// Who (recorded as the actor of what they start).
    pub sub: String,
    /// Group memberships.
    #[serde(default)]
    pub groups: Vec<String>,
}

impl Principal {
    /// Refuses callers outside the admin group.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.groups.iter().any(|g| g == ADMIN_GROUP) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "'{}' may read but not change resources (needs group '{ADMIN_GROUP}')",
                self.sub
            )))
        }
    }
}

/// A boxed verification future.
pub type Verification<'a> = Pin<Box<dyn Future<Output = Option<Principal>> + Send + 'a>>;

/// Decides who a bearer token belongs to; `None` means not authenticated.
pub trait Verifier: Send + Sync {
    /// Verifies `token`.
    fn verify<'a>(&'a self, token: &'a str) -> Verification<'a>;
}

/// HS256 JWTs signed with a per-stack secret, valid for a limited time.
#[derive(Clone)]
pub struct LocalTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    groups: Vec<String>,
    iat: i64,
    exp: i64,
}

/// How long a local token is valid; `cfm local up` issues a new one well before.
pub const LOCAL_TOKEN_TTL: Duration = Duration::from_secs(12 * 3600);

impl LocalTokens {
    /// A verifier for tokens signed with `key`.
    pub fn new(key: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(key), decoding: DecodingKey::from_secret(key) }
    }

    /// Issues a token for `sub` in `groups`, valid for [`LOCAL_TOKEN_TTL`].
    pub fn issue(&self, sub: &str, groups: &[&str]) -> String {
        self.issue_for(sub, groups, LOCAL_TOKEN_TTL)
    }

    /// Issues a token for `sub` in `groups`, valid for `ttl`.
    pub fn issue_for(&self, sub: &str, groups: &[&str], ttl: Duration) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            iat: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).expect("HS256 signing cannot fail")
    }

    fn check(&self, token: &str) -> Option<Principal> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        let claims = decode::<Claims>(token, &self.decoding, &validation).ok()?.claims;
        Some(Principal { sub: claims.sub, groups: claims.groups })
    }
}

impl Verifier for LocalTokens {
    fn verify<'a>(&'a self, token: &'a str) -> Verification<'a> {
        Box::pin(async move { self.check(token) })
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let token = header.and_then(|h| h.strip_prefix("Bearer ")).ok_or(ApiError::Unauthorized)?;
        let principal = state.verifier.verify(token.trim()).await.ok_or(ApiError::Unauthorized)?;
        crate::access::note_principal(&principal.sub);
        Ok(principal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_key() {
        let tokens = LocalTokens::new(b"stack-key");
        let token = tokens.issue("local-admin", &[ADMIN_GROUP]);
        let principal = tokens.check(&token).unwrap();
        assert_eq!(principal.sub, "local-admin");
        assert!(principal.require_admin().is_ok());
        assert!(LocalTokens::new(b"other-key").check(&token).is_none());
        let mut tampered = token.clone();
        tampered.insert(tampered.len() / 2, 'x');
        assert!(tokens.check(&tampered).is_none());
        assert!(tokens.check("not-a-token").is_none());
    }

    #[test]
    fn local_tokens_expire() {
        let tokens = LocalTokens::new(b"stack-key");
        let expired = tokens.issue_for("local-admin", &[ADMIN_GROUP], Duration::ZERO);
        std::thread::sleep(Duration::from_millis(1100));
        assert!(tokens.check(&expired).is_none());
        assert!(tokens.check(&tokens.issue("local-admin", &[ADMIN_GROUP])).is_some());
    }

    #[test]
    fn readers_may_not_write() {
        let reader = Principal { sub: "ro".into(), groups: vec!["read-only".into()] };
        assert!(matches!(reader.require_admin(), Err(ApiError::Forbidden(_))));
    }
}
