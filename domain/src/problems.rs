//! Validation that reports every problem at once, each naming its field. Only the first
//! [`MAX_LISTED`] are kept (with a count of all), so hostile input cannot make the answer huge.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Problems kept in full; the rest are only counted.
pub const MAX_LISTED: usize = 50;
/// Longest excerpt of a user's value quoted in a message.
const MAX_QUOTED: usize = 64;

/// One broken rule, with the JSON path of the field that breaks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    /// The field, as a path into the request body (e.g. `cors[0].allowedMethods`).
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// A collector of problems.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems {
    listed: Vec<Problem>,
    total: usize,
}

impl Problems {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem (kept in full while fewer than [`MAX_LISTED`] are listed).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(Problem { field: field.into(), message: message.into() });
        }
    }

    /// Records a problem when `broken` holds.
    pub fn check(&mut self, broken: bool, field: impl Into<String>, message: impl Into<String>) {
        if broken {
            self.add(field, message);
        }
    }

    /// Adds every problem of `other`, with `prefix.` before each field.
    pub fn extend_under(&mut self, prefix: &str, other: Problems) {
        let unlisted = other.total - other.listed.len();
        for p in other.listed {
            self.add(format!("{prefix}.{}", p.field), p.message);
        }
        self.total += unlisted;
    }

    /// Adds every problem of `other` as it is.
    pub fn extend_under_root(&mut self, other: Problems) {
        let unlisted = other.total - other.listed.len();
        for p in other.listed {
            self.add(p.field, p.message);
        }
        self.total += unlisted;
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.total == 0 { Ok(value) } else { Err(self) }
    }

    /// The listed problems (at most [`MAX_LISTED`]).
    pub fn list(&self) -> &[Problem] {
        &self.listed
    }

    /// How many problems were found, listed or not.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Takes the listed problems (the count of the rest is lost).
    pub fn into_list(self) -> Vec<Problem> {
        self.listed
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// A user's value for a message or field path, shortened when long.
pub fn excerpt(value: &str) -> String {
    match value.char_indices().nth(MAX_QUOTED) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

/// A user's value for a message: quoted, and shortened when long.
pub fn quoted(value: &str) -> String {
    format!("'{}'", excerpt(value))
}

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.listed.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
        f.write_str(&parts.join("; "))?;
        if self.total > self.listed.len() {
            write!(f, "; and {} more", self.total - self.listed.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Whether a list is within `max` items; a longer one is reported once and not checked item by
/// item, so an oversized list costs no more than its length.
pub(crate) fn within(problems: &mut Problems, field: &str, len: usize, max: usize) -> bool {
    problems.check(len > max, field, format!("at most {max} items (got {len})"));
    len <= max
}

/// The JSON field names a value sets (its `None`s skipped), for events and history.
pub(crate) fn set_fields(value: &impl Serialize) -> Vec<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_problems_are_listed_but_all_are_counted() {
        let mut problems = Problems::new();
        for i in 0..10_000 {
            problems.add(format!("paths[{i}]"), "bad");
        }
        assert_eq!(problems.list().len(), MAX_LISTED);
        assert_eq!(problems.total(), 10_000);
        assert!(problems.to_string().ends_with("and 9950 more"));
    }

    #[test]
    fn nested_problems_keep_their_count() {
        let mut inner = Problems::new();
        for _ in 0..60 {
            inner.add("priceClass", "bad");
        }
        let mut outer = Problems::new();
        outer.add("name", "bad");
        outer.extend_under("spec", inner);
        assert_eq!(outer.total(), 61);
        assert_eq!(outer.list()[1].field, "spec.priceClass");
    }

    #[test]
    fn long_values_are_shortened_when_quoted() {
        assert_eq!(quoted("abc"), "'abc'");
        let long = "é".repeat(1000);
        assert_eq!(quoted(&long).chars().count(), MAX_QUOTED + 3);
    }
}
