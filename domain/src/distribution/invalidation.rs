//! Invalidation requests: paths, bounded before they are checked.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::request::check_unique;
use crate::problems::Problems;
use crate::problems::within;
use crate::values::{Checked, InvalidationPath};

/// Paths per invalidation request (InvalidationLimits).
pub const MAX_INVALIDATION_PATHS: usize = 3000;
/// Wildcard paths per distribution in progress.
pub const MAX_WILDCARD_PATHS: usize = 15;

/// `POST /distributions/{id}/invalidate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvalidationRequest {
    /// Paths to invalidate, e.g. `/index.html`, `/images/*`.
    #[serde(default)]
    pub paths: Vec<String>,
}

impl InvalidationRequest {
    /// The paths, or every problem. Linear in the input: the count is checked first and an
    /// oversized list is not checked further.
    pub fn parse(&self) -> Result<Vec<InvalidationPath>, Problems> {
        let mut problems = Problems::new();
        let paths = &self.paths;
        problems.check(paths.is_empty(), "paths", "give at least one path, e.g. /index.html or /images/*");
        if !within(&mut problems, "paths", paths.len(), MAX_INVALIDATION_PATHS) {
            return Err(problems);
        }
        let parsed: Vec<InvalidationPath> = paths
            .iter()
            .enumerate()
            .filter_map(|(i, p)| InvalidationPath::parse_into(&mut problems, &format!("paths[{i}]"), p))
            .collect();
        let wildcards = parsed.iter().filter(|p| p.is_wildcard()).count();
        problems.check(wildcards > MAX_WILDCARD_PATHS, "paths", format!("at most {MAX_WILDCARD_PATHS} wildcard paths"));
        check_unique(&mut problems, "paths", paths.iter().map(String::as_str));
        problems.into_result(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(paths: &[&str]) -> Vec<String> {
        let request = InvalidationRequest { paths: paths.iter().map(|p| (*p).to_owned()).collect() };
        request.parse().err().map(|p| p.list().iter().map(|p| p.field.clone()).collect()).unwrap_or_default()
    }

    #[test]
    fn paths_are_checked_each_and_together() {
        assert!(fields(&["/a", "/b/*"]).is_empty());
        assert_eq!(fields(&["a"]), ["paths[0]"]);
        assert_eq!(fields(&["/a", "/a"]), ["paths[1]"]);
        assert_eq!(fields(&[]), ["paths"]);
        let many = vec!["/x"; MAX_INVALIDATION_PATHS + 1];
        assert_eq!(fields(&many), ["paths"], "an oversized list is one problem");
    }
}
