//! Which headers, cookies or query strings a policy takes: a behaviour and, for some
//! behaviours, the names it applies to.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::checked_text;
use crate::problems::{Problems, quoted, within};
use crate::values::Checked;
use crate::vocabulary;
use crate::vocabulary::Vocabulary;

/// CloudFront's quota on names per list (headers, cookies, query strings) in a policy.
const MAX_NAMES: usize = 10;

vocabulary!(
    /// How a policy picks what it takes, in CloudFront's spelling (each list allows some).
    Choice {
        /// Nothing.
        None => "none",
        /// Only the names listed.
        Whitelist => "whitelist",
        /// Everything except the names listed.
        AllExcept => "allExcept",
        /// Everything.
        All => "all",
        /// Every viewer header (origin-request policies).
        AllViewer => "allViewer",
        /// Every viewer header and the CloudFront headers listed (origin-request policies).
        AllViewerAndWhitelistCloudFront => "allViewerAndWhitelistCloudFront",
    }
);

impl Choice {
    /// Whether it applies to names the user lists.
    fn takes_names(self) -> bool {
        matches!(self, Self::Whitelist | Self::AllExcept | Self::AllViewerAndWhitelistCloudFront)
    }
}

checked_text!(
    /// A header, cookie or query-string name in a policy: printable ASCII without spaces.
    ParameterName, "a header, cookie or query-string name", |text, broken| {
        if text.is_empty() || text.len() > 256 {
            broken.push("must be 1 to 256 characters".into());
        } else if !text.bytes().all(|b| b.is_ascii_graphic()) {
            broken.push(format!("{} must be printable ASCII without spaces", quoted(text)));
        }
    }
);

/// What a policy takes of one kind of parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    /// How it picks.
    pub behavior: Choice,
    /// The names it picks by (empty unless the behaviour takes names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<ParameterName>,
}

impl Selection {
    /// Nothing of this kind.
    pub fn none() -> Self {
        Self { behavior: Choice::None, names: Vec::new() }
    }

    /// Whether it takes a header named `name` (case-insensitive), e.g. `Host`.
    pub fn takes(&self, name: &str) -> bool {
        let listed = self.names.iter().any(|n| n.as_str().eq_ignore_ascii_case(name));
        match self.behavior {
            Choice::None => false,
            Choice::Whitelist => listed,
            Choice::AllExcept => !listed,
            Choice::All | Choice::AllViewer | Choice::AllViewerAndWhitelistCloudFront => true,
        }
    }
}

/// A selection as a user writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SelectionRequest {
    /// One of the behaviours this list allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<String>,
    /// The names, for `whitelist`, `allExcept` and `allViewerAndWhitelistCloudFront`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}

impl SelectionRequest {
    /// The selection (`none` when unset), allowing only `allowed` behaviours.
    pub(crate) fn parse(
        request: Option<&Self>,
        field: &str,
        allowed: &[Choice],
        p: &mut Problems,
    ) -> Option<Selection> {
        let Some(request) = request else { return Some(Selection::none()) };
        let behavior = match request.behavior.as_deref() {
            None => Some(Choice::None),
            Some(text) => match Choice::parse(text).filter(|c| allowed.contains(c)) {
                Some(choice) => Some(choice),
                None => {
                    let names: Vec<&str> = allowed.iter().map(|c| c.as_str()).collect();
                    p.add(
                        format!("{field}.behavior"),
                        format!("must be one of {} (not {})", names.join(", "), quoted(text)),
                    );
                    None
                }
            },
        };
        let names_field = format!("{field}.names");
        let mut names = Vec::new();
        if within(p, &names_field, request.names.len(), MAX_NAMES) {
            for (i, name) in request.names.iter().enumerate() {
                let at = format!("{names_field}[{i}]");
                if let Some(name) = ParameterName::parse_into(p, &at, name) {
                    // Header names are case-insensitive, so `Accept` and `accept` are one; CloudFront
                    // refuses the pair, and cookie and query-string names differ by case anyway.
                    let twice = names.iter().any(|n: &ParameterName| n.as_str().eq_ignore_ascii_case(name.as_str()));
                    p.check(twice, &at, format!("{} is listed twice", quoted(name.as_str())));
                    names.push(name);
                }
            }
        }
        let behavior = behavior?;
        if behavior.takes_names() {
            p.check(request.names.is_empty(), &names_field, format!("{behavior} needs at least one name"));
        } else {
            p.check(!request.names.is_empty(), &names_field, format!("{behavior} takes no names"));
        }
        Some(Selection { behavior, names })
    }
}
