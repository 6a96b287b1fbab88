//! Resource ids and execution names.
//!
//! With an `Idempotency-Key`, the id and the execution name are derived from the key, so a
//! retried request names the same execution and Step Functions starts nothing new.

use sha2::{Digest, Sha256};

/// Length of the random or derived part of an id.
const ID_LEN: usize = 16;

/// A new origin id: `org-` and 16 hex digits, derived from the idempotency key when there is one.
pub fn origin_id(idempotency_key: Option<&str>) -> String {
    format!("org-{}", id_part("create-origin", idempotency_key))
}

/// A new distribution id: `dist-` and 16 hex digits, derived from the idempotency key when given.
pub fn distribution_id(idempotency_key: Option<&str>) -> String {
    format!("dist-{}", id_part("create-distribution", idempotency_key))
}

/// A new template id: `tmpl-` and 16 hex digits, derived from the idempotency key when given.
pub fn template_id(idempotency_key: Option<&str>) -> String {
    format!("tmpl-{}", id_part("create-template", idempotency_key))
}

/// An execution name `<operation>.<suffix>`: unique per operation, at most 80 characters, and
/// derived from the idempotency key when there is one.
pub fn execution_name(operation: &str, resource_id: &str, idempotency_key: Option<&str>) -> String {
    let suffix = id_part(&format!("{operation}/{resource_id}"), idempotency_key);
    // Step Functions names are at most 80 characters; ids are short, domain names may not be.
    let resource: String = resource_id.chars().take(80 - operation.len() - ID_LEN - 2).collect();
    format!("{operation}.{resource}.{suffix}")
}

/// The operation (state machine) an execution name belongs to.
pub fn operation_of(execution_name: &str) -> Option<&str> {
    execution_name.split_once('.').map(|(op, _)| op).filter(|op| !op.is_empty())
}

fn id_part(scope: &str, key: Option<&str>) -> String {
    match key {
        Some(key) => {
            let digest = Sha256::new().chain_update(scope).chain_update([0]).chain_update(key).finalize();
            digest.iter().map(|b| format!("{b:02x}")).collect::<String>()[..ID_LEN].to_owned()
        }
        None => uuid::Uuid::new_v4().simple().to_string()[..ID_LEN].to_owned(),
    }
}

/// The account id in an ARN (`arn:aws:<service>:<region>:<account>:…`).
pub fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks an `Idempotency-Key` header value: 1–128 visible ASCII characters.
pub fn valid_idempotency_key(key: &str) -> bool {
    (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_give_stable_ids_and_names() {
        assert_eq!(origin_id(Some("k1")), origin_id(Some("k1")));
        assert_ne!(origin_id(Some("k1")), origin_id(Some("k2")));
        assert_ne!(origin_id(None), origin_id(None));
        let name = execution_name("delete-origin", "org-0123456789abcdef", Some("k"));
        assert_eq!(name, execution_name("delete-origin", "org-0123456789abcdef", Some("k")));
        assert!(name.len() <= 80);
        assert_eq!(operation_of(&name), Some("delete-origin"));
    }

    #[test]
    fn accounts_come_from_arns() {
        assert_eq!(account_of("arn:aws:states:us-east-1:123456789012:execution:m:e"), Some("123456789012"));
        assert_eq!(account_of("arn:aws:acm:us-east-1::certificate/x"), None);
        assert_eq!(account_of("not an arn"), None);
    }

    #[test]
    fn idempotency_keys_are_bounded() {
        assert!(valid_idempotency_key("retry-1"));
        assert!(!valid_idempotency_key(""));
        assert!(!valid_idempotency_key("has space"));
        assert!(!valid_idempotency_key(&"x".repeat(129)));
    }
}
