//! Validation that reports every problem at once, each naming its field.

use serde::Serialize;

/// One broken rule, with the JSON path of the field that breaks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field, as a path into the request body (e.g. `cors[0].allowedMethods`).
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// A collector of problems.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { field: field.into(), message: message.into() });
    }

    /// Records a problem when `broken` holds.
    pub fn check(&mut self, broken: bool, field: impl Into<String>, message: impl Into<String>) {
        if broken {
            self.add(field, message);
        }
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }

    /// The recorded problems.
    pub fn list(&self) -> &[Problem] {
        &self.0
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for Problems {}
