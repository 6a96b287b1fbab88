//! Values that cannot hold an invalid value: each is parsed once (reporting every broken rule)
//! and then trusted. They serialize as plain strings; deserializing checks them again, so a
//! record or workflow input that does not hold can never become one.

mod arn;
mod cloudfront;
mod ids;
mod names;
mod routing;
mod time;

pub use arn::{AccountId, CertificateArn, ExecutionArn};
pub use cloudfront::{CloudFrontId, DistributionArn, InvalidationId, OacId, OaiId};
pub(crate) use ids::id_part;
pub use ids::{BulkId, DistributionId, EdgeFunctionId, OriginId, TemplateId, execution_name, operation_of};
pub use names::{
    BucketName, Comment, DisplayName, Hostname, IdempotencyKey, InvalidationPath, ObjectKey, REGIONS, Region, TagKey,
    TagValue,
};
pub use routing::{GroupId, HeaderName, OriginDomain, OriginPath, PathPattern};
pub use time::Timestamp;

use crate::problems::Problems;

/// A string value with rules.
pub trait Checked: Sized {
    /// What the value is, for messages (e.g. "a bucket name").
    const WHAT: &'static str;
    /// Reports each rule `text` breaks.
    fn check(text: &str, broken: &mut Vec<String>);
    /// Wraps text that passed [`Checked::check`].
    fn from_checked(text: String) -> Self;

    /// The value, or every rule it breaks.
    fn parse(text: &str) -> Result<Self, Vec<String>> {
        let mut broken = Vec::new();
        Self::check(text, &mut broken);
        if broken.is_empty() { Ok(Self::from_checked(text.to_owned())) } else { Err(broken) }
    }

    /// Parses `text` for `field`, recording each broken rule.
    fn parse_into(problems: &mut Problems, field: &str, text: &str) -> Option<Self> {
        match Self::parse(text) {
            Ok(value) => Some(value),
            Err(broken) => {
                for message in broken {
                    problems.add(field, message);
                }
                None
            }
        }
    }
}

/// Declares a [`Checked`] newtype over `String` with its rules in `check`.
#[macro_export]
macro_rules! checked_text {
    ($(#[$meta:meta])* $name:ident, $what:literal, |$text:ident, $broken:ident| $check:block) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $crate::values::Checked for $name {
            const WHAT: &'static str = $what;
            fn check($text: &str, $broken: &mut Vec<String>) $check
            fn from_checked(text: String) -> Self {
                Self(text)
            }
        }

        impl $name {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl $crate::export::serde::Serialize for $name {
            fn serialize<S: $crate::export::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::export::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::export::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as $crate::export::serde::Deserialize>::deserialize(deserializer)?;
                <Self as $crate::values::Checked>::parse(&text).map_err(|broken| {
                    $crate::export::serde::de::Error::custom(format!("not {}: {}", $what, broken.join("; ")))
                })
            }
        }

        impl $crate::export::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut $crate::export::schemars::SchemaGenerator) -> $crate::export::schemars::Schema {
                $crate::export::schemars::json_schema!({"type": "string", "description": $what})
            }
        }
    };
}

/// Deserializes a field where `null` means something (remove it): absent is `None` (with
/// `#[serde(default)]`), `null` is `Some(None)`.
pub(crate) fn nullable<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
