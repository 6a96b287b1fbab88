//! `nextToken`s: DynamoDB's last evaluated key, opaque to callers and checked on the way back.
//!
//! A token is the key as base64url JSON. One that comes back is accepted only if it is exactly
//! the key shape of the query it continues (same attributes, same partition), so a tampered or
//! foreign token is a validation error, never a DynamoDB `ValidationException` or a query
//! steered into another partition.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cfm_ports::{ErrorKind, PortResult, ServiceError};

/// Longest token accepted (the keys cfm writes encode to a few hundred characters).
const MAX_TOKEN_LEN: usize = 2048;

/// The query a token continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Partition<'a> {
    /// A list of one record kind on the `byKind` index.
    Kind(&'a str),
    /// One resource's history.
    History(&'a str),
}

/// The token for a last evaluated key.
pub(crate) fn encode(key: &HashMap<String, AttributeValue>) -> String {
    let plain: BTreeMap<&str, &str> =
        key.iter().filter_map(|(k, v)| v.as_s().ok().map(|v| (k.as_str(), v.as_str()))).collect();
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&plain).unwrap_or_default())
}

/// The start key a token stands for, if it is one this query could have returned.
pub(crate) fn decode(token: &str, partition: Partition<'_>) -> PortResult<HashMap<String, AttributeValue>> {
    let plain = parse(token).filter(|key| fits(key, partition)).ok_or_else(|| {
        ServiceError::new(ErrorKind::Rejected, "nextToken is not a token this list returned; start again without it")
    })?;
    Ok(plain.into_iter().map(|(k, v)| (k, AttributeValue::S(v))).collect())
}

fn parse(token: &str) -> Option<BTreeMap<String, String>> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token).ok()?).ok()
}

fn fits(key: &BTreeMap<String, String>, partition: Partition<'_>) -> bool {
    let get = |name: &str| key.get(name).map(String::as_str);
    match partition {
        Partition::Kind(kind) => {
            key.len() == 4
                && get("kind") == Some(kind)
                && get("pk").is_some_and(|pk| pk.strip_prefix(kind).is_some_and(|rest| rest.starts_with('#')))
                && get("sk") == Some("META")
                && get("sortKey").is_some_and(|s| !s.is_empty())
        }
        Partition::History(resource) => {
            key.len() == 2
                && get("pk").and_then(|pk| pk.strip_prefix("HISTORY#")) == Some(resource)
                && get("sk").is_some_and(|s| !s.is_empty())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(pairs: &[(&str, &str)]) -> HashMap<String, AttributeValue> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), AttributeValue::S((*v).to_owned()))).collect()
    }

    #[test]
    fn a_returned_token_continues_its_own_query_only() {
        let list = key(&[("kind", "ORIGIN"), ("sortKey", "2026#org-1"), ("pk", "ORIGIN#org-1"), ("sk", "META")]);
        let token = encode(&list);
        assert_eq!(decode(&token, Partition::Kind("ORIGIN")).unwrap(), list);
        assert!(decode(&token, Partition::Kind("DISTRIBUTION")).is_err());
        assert!(decode(&token, Partition::History("org-1")).is_err());

        let history = key(&[("pk", "HISTORY#org-1"), ("sk", "2026#e1")]);
        let token = encode(&history);
        assert_eq!(decode(&token, Partition::History("org-1")).unwrap(), history);
        assert!(decode(&token, Partition::History("org-2")).is_err());
    }

    #[test]
    fn tampered_and_foreign_tokens_are_refused() {
        let empty = URL_SAFE_NO_PAD.encode("{}");
        assert_eq!(empty, "e30");
        let extra = encode(&key(&[("pk", "HISTORY#a"), ("sk", "x"), ("kind", "ORIGIN")]));
        let other_pk = encode(&key(&[("kind", "ORIGIN"), ("sortKey", "x"), ("pk", "TEMPLATE#t"), ("sk", "META")]));
        for token in [empty.as_str(), "not base64!", "bm90IGpzb24", &extra, &other_pk, &"A".repeat(5000)] {
            let err = decode(token, Partition::Kind("ORIGIN")).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Rejected, "{token}");
            assert!(decode(token, Partition::History("a")).is_err(), "{token}");
        }
    }
}
