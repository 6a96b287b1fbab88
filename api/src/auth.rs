//! Authentication. The API asks a [`Verifier`] who a bearer token belongs to. Locally that is
//! [`LocalTokens`] (HS256 JWTs signed with a per-stack key); on AWS a Cognito JWKS verifier
//! plugs in behind the same trait.

use std::future::Future;
use std::pin::Pin;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

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

/// HS256 JWTs signed with a per-stack secret.
#[derive(Clone)]
pub struct LocalTokens {
    key: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    groups: Vec<String>,
    iat: i64,
}

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

impl LocalTokens {
    /// A verifier for tokens signed with `key`.
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    fn sign(&self, message: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// Issues a token for `sub` in `groups`.
    pub fn issue(&self, sub: &str, groups: &[&str]) -> String {
        let claims = Claims {
            sub: sub.to_owned(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            iat: chrono::Utc::now().timestamp(),
        };
        let payload = serde_json::to_vec(&claims).expect("claims serialize");
        let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(HEADER), URL_SAFE_NO_PAD.encode(payload));
        let signature = URL_SAFE_NO_PAD.encode(self.sign(&message));
        format!("{message}.{signature}")
    }

    fn check(&self, token: &str) -> Option<Principal> {
        let (message, signature) = token.rsplit_once('.')?;
        let (header, payload) = message.split_once('.')?;
        if URL_SAFE_NO_PAD.decode(header).ok()? != HEADER.as_bytes() {
            return None;
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        mac.update(message.as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?).ok()?;
        let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
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
        state.verifier.verify(token.trim()).await.ok_or(ApiError::Unauthorized)
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
    fn readers_may_not_write() {
        let reader = Principal { sub: "ro".into(), groups: vec!["read-only".into()] };
        assert!(matches!(reader.require_admin(), Err(ApiError::Forbidden(_))));
    }
}
