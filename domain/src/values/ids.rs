//! cfm's resource ids and execution names.
//!
//! With an `Idempotency-Key`, the id and the execution name are derived from the key, so a
//! retried request names the same execution and Step Functions starts nothing new.

use sha2::{Digest, Sha256};

use crate::checked_text;

/// Length of the random or derived part of an id.
const ID_LEN: usize = 16;

fn check_id(prefix: &str, text: &str, broken: &mut Vec<String>) {
    let ok = text.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == ID_LEN && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if !ok {
        broken.push(format!("must be an id like {prefix}0123456789abcdef"));
    }
}

pub(crate) fn id_part(scope: &str, key: Option<&str>) -> String {
    match key {
        Some(key) => {
            let digest = Sha256::new().chain_update(scope).chain_update([0]).chain_update(key).finalize();
            digest.iter().map(|b| format!("{b:02x}")).collect::<String>()[..ID_LEN].to_owned()
        }
        None => uuid::Uuid::new_v4().simple().to_string()[..ID_LEN].to_owned(),
    }
}

macro_rules! resource_id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $scope:literal, $what:literal) => {
        checked_text!($(#[$meta])* $name, $what, |text, broken| { check_id($prefix, text, broken) });

        impl $name {
            /// A new id, derived from the idempotency key when there is one.
            pub fn generate(idempotency_key: Option<&str>) -> Self {
                Self(format!("{}{}", $prefix, id_part($scope, idempotency_key)))
            }
        }
    };
}

resource_id!(
    /// An origin: `org-` and 16 hex digits.
    OriginId, "org-", "create-origin", "an origin id (org-…)"
);
resource_id!(
    /// A distribution: `dist-` and 16 hex digits.
    DistributionId, "dist-", "create-distribution", "a distribution id (dist-…)"
);
resource_id!(
    /// An edge function: `edge-` and 16 hex digits, derived from its distribution and generation.
    EdgeFunctionId, "edge-", "edge-function", "an edge function id (edge-…)"
);
resource_id!(
    /// A bulk operation: `bulk-` and 16 hex digits.
    BulkId, "bulk-", "bulk-operation", "a bulk operation id (bulk-…)"
);
resource_id!(
    /// A template: `tmpl-` and 16 hex digits.
    TemplateId, "tmpl-", "create-template", "a template id (tmpl-…)"
);

/// An execution name `<workflow>.<resource>.<suffix>`: unique per workflow, at most 80
/// characters, derived from the idempotency key when there is one.
pub fn execution_name(workflow: &str, resource_id: &str, idempotency_key: Option<&str>) -> String {
    let suffix = id_part(&format!("{workflow}/{resource_id}"), idempotency_key);
    // Step Functions names are at most 80 characters; ids are short, domain names may not be.
    let resource: String = resource_id.chars().take(80 - workflow.len() - ID_LEN - 2).collect();
    format!("{workflow}.{resource}.{suffix}")
}

/// The workflow an execution name belongs to.
pub fn operation_of(execution_name: &str) -> Option<&str> {
    execution_name.split_once('.').map(|(op, _)| op).filter(|op| !op.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Checked;

    #[test]
    fn keys_give_stable_ids_and_names() {
        assert_eq!(OriginId::generate(Some("k1")), OriginId::generate(Some("k1")));
        assert_ne!(OriginId::generate(Some("k1")), OriginId::generate(Some("k2")));
        assert_ne!(OriginId::generate(None), OriginId::generate(None));
        assert!(OriginId::parse(OriginId::generate(None).as_str()).is_ok());
        let name = execution_name("delete-origin", "org-0123456789abcdef", Some("k"));
        assert_eq!(name, execution_name("delete-origin", "org-0123456789abcdef", Some("k")));
        assert!(name.len() <= 80);
        assert_eq!(operation_of(&name), Some("delete-origin"));
    }

    #[test]
    fn ids_have_their_prefix_and_shape() {
        assert!(DistributionId::parse("dist-0123456789abcdef").is_ok());
        for bad in ["org-0123456789abcdef", "dist-0123", "dist-0123456789ABCDEF", "dist-0123456789abcdefg"] {
            assert!(DistributionId::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<OriginId>("\"bucket\"").is_err());
    }
}
