//! Closed sets of names (price classes, protocols, statuses, …), each declared once: its values,
//! their wire spelling, parsing (with a message listing what is allowed), JSON and JSON Schema.

use crate::problems::{Problems, quoted};

/// A closed set of names spelled as strings on the wire.
pub trait Vocabulary: Sized + Copy + PartialEq + std::fmt::Debug + 'static {
    /// Every member, in the order messages list them.
    const ALL: &'static [Self];
    /// The wire spelling.
    fn as_str(self) -> &'static str;

    /// The member spelled `text`.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == text)
    }

    /// Every spelling, comma-separated, for messages.
    fn allowed() -> String {
        Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// Parses `text` for `field`, recording a problem naming the allowed values if it is none.
    fn parse_into(problems: &mut Problems, field: &str, text: &str) -> Option<Self> {
        let parsed = Self::parse(text);
        if parsed.is_none() {
            problems.add(field, format!("must be one of {} (not {})", Self::allowed(), quoted(text)));
        }
        parsed
    }
}

/// Parses a vocabulary value when one is given.
pub(crate) fn parse_setting<V: Vocabulary>(problems: &mut Problems, field: &str, value: &Option<String>) -> Option<V> {
    value.as_deref().and_then(|v| V::parse_into(problems, field, v))
}

/// Declares a [`Vocabulary`] enum: `vocabulary!(/// doc\n Name { /// doc\n Variant => "wire", … })`.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $crate::vocabulary::Vocabulary for $name {
            const ALL: &'static [Self] = &[$(Self::$variant,)+];
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)+ }
            }
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(self) -> &'static str {
                $crate::vocabulary::Vocabulary::as_str(self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::export::serde::Serialize for $name {
            fn serialize<S: $crate::export::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::export::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::export::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as $crate::export::serde::Deserialize>::deserialize(deserializer)?;
                <Self as $crate::vocabulary::Vocabulary>::parse(&text).ok_or_else(|| {
                    $crate::export::serde::de::Error::custom(format!(
                        "'{text}' is not one of {}",
                        <Self as $crate::vocabulary::Vocabulary>::allowed()
                    ))
                })
            }
        }

        impl $crate::export::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut $crate::export::schemars::SchemaGenerator) -> $crate::export::schemars::Schema {
                $crate::export::schemars::json_schema!({"type": "string", "enum": [$($text,)+]})
            }
        }
    };
}

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    use super::*;

    vocabulary!(
        /// A test set.
        Colour {
            /// Red.
            Red => "red",
            /// Deep blue.
            DeepBlue => "deep-blue",
        }
    );

    #[test]
    fn members_round_trip_and_unknown_ones_name_the_allowed() {
        assert_eq!(Colour::parse("deep-blue"), Some(Colour::DeepBlue));
        assert_eq!(serde_json::to_string(&Colour::Red).unwrap(), "\"red\"");
        assert_eq!(serde_json::from_str::<Colour>("\"deep-blue\"").unwrap(), Colour::DeepBlue);
        let err = serde_json::from_str::<Colour>("\"green\"").unwrap_err().to_string();
        assert!(err.contains("red, deep-blue"), "{err}");
        let mut problems = Problems::new();
        assert_eq!(Colour::parse_into(&mut problems, "colour", "green"), None);
        assert_eq!(problems.list()[0].field, "colour");
    }
}
