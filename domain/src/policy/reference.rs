//! Policy ids, and how a behaviour names a policy: a cfm policy by id, or a managed one by name.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::settings::PolicyKind;
use crate::checked_text;
use crate::problems::{Problems, quoted};
use crate::values::Checked;
use crate::vocabulary::Vocabulary;

/// Length of an id's random or derived part (as for every cfm id).
const ID_LEN: usize = 16;

impl PolicyKind {
    /// The prefix of its policies' ids.
    fn prefix(self) -> &'static str {
        match self {
            Self::Cache => "cp-",
            Self::OriginRequest => "orp-",
        }
    }
}

checked_text!(
    /// A cfm policy: `cp-` (cache) or `orp-` (origin-request) and 16 hex digits.
    PolicyId, "a policy id (cp-… or orp-…)", |text, broken| {
        if PolicyId::kind_of(text).is_none() {
            broken.push("must be an id like cp-0123456789abcdef or orp-0123456789abcdef".into());
        }
    }
);

impl PolicyId {
    /// A new id of `kind`, derived from the idempotency key when there is one.
    pub fn generate(kind: PolicyKind, idempotency_key: Option<&str>) -> Self {
        let part = crate::values::id_part(&format!("create-policy/{kind}"), idempotency_key);
        Self(format!("{}{part}", kind.prefix()))
    }

    /// Whether `comment` (a CloudFront policy's) is the one cfm gives this policy: `cfm <id>`,
    /// then `: <the user's comment>` if there is one.
    pub fn marks(&self, comment: &str) -> bool {
        let mark = format!("cfm {}", self.0);
        comment.strip_prefix(&mark).is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
    }

    /// The id of a policy cfm itself keeps, `name`: from a scope no request's idempotency key
    /// reaches, so no user's policy can take it.
    pub fn reserved(kind: PolicyKind, name: &str) -> Self {
        let part = crate::values::id_part(&format!("cfm-reserved/{kind}"), Some(name));
        Self(format!("{}{part}", kind.prefix()))
    }

    /// The kind its prefix names.
    pub fn kind(&self) -> PolicyKind {
        Self::kind_of(&self.0).expect("a checked policy id has a known prefix")
    }

    fn kind_of(text: &str) -> Option<PolicyKind> {
        PolicyKind::ALL.iter().copied().find(|kind| {
            text.strip_prefix(kind.prefix()).is_some_and(|rest| {
                rest.len() == ID_LEN && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
        })
    }
}

/// A behaviour's policy: one of CloudFront's managed policies `M`, or a cfm policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyRef<M> {
    /// A managed policy, by name.
    Managed(M),
    /// A policy cfm made.
    Own(PolicyId),
}

impl<M: Vocabulary> PolicyRef<M> {
    /// Parses a managed name or the id of a cfm policy of `kind`, for `field`.
    pub(crate) fn parse_into(p: &mut Problems, field: &str, kind: PolicyKind, text: &str) -> Option<Self> {
        if let Some(managed) = M::parse(text) {
            return Some(Self::Managed(managed));
        }
        match PolicyId::kind_of(text) {
            Some(found) if found == kind => Some(Self::Own(PolicyId(text.to_owned()))),
            Some(found) => {
                p.add(field, format!("{} is {}; this takes {}", quoted(text), found.a_noun(), kind.a_noun()));
                None
            }
            None => {
                let prefix = kind.prefix();
                p.add(field, format!("must be a {prefix}… id or one of {} (not {})", M::allowed(), quoted(text)));
                None
            }
        }
    }

    /// Parses an optional setting (see [`parse_into`](Self::parse_into)).
    pub(crate) fn parse_setting(
        p: &mut Problems,
        field: &str,
        kind: PolicyKind,
        value: &Option<String>,
    ) -> Option<Self> {
        value.as_deref().and_then(|text| Self::parse_into(p, field, kind, text))
    }

    /// The cfm policy it names, if it names one.
    pub fn own(&self) -> Option<&PolicyId> {
        match self {
            Self::Own(id) => Some(id),
            Self::Managed(_) => None,
        }
    }

    fn text(&self) -> &str {
        match self {
            Self::Managed(m) => m.as_str(),
            Self::Own(id) => id.as_str(),
        }
    }
}

impl<M: Vocabulary> Serialize for PolicyRef<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text())
    }
}

impl<'de, M: Vocabulary> Deserialize<'de> for PolicyRef<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        if let Some(managed) = M::parse(&text) {
            return Ok(Self::Managed(managed));
        }
        PolicyId::parse(&text).map(Self::Own).map_err(|broken| serde::de::Error::custom(broken.join("; ")))
    }
}

impl<M: Vocabulary> JsonSchema for PolicyRef<M> {
    fn schema_name() -> Cow<'static, str> {
        "PolicyRef".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "description": "a managed policy's name or a cfm policy id"})
    }
}
