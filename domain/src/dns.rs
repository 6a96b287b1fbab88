//! Route 53 for DNS validation: which public hosted zone a name falls in (the longest zone
//! name that is the name or one of its parents, compared case-insensitively, without the
//! trailing dot).

use serde::{Deserialize, Serialize};

/// A public hosted zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostedZone {
    /// Route 53's id (`Z…`, without `/hostedzone/`).
    pub id: String,
    /// Its name, e.g. `example.com`.
    pub name: String,
}

/// A Route 53 hosted zone id as a request names one: `Z` and up to 31 capitals and digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct HostedZoneId(String);

impl HostedZoneId {
    /// The id, or why it is not one.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim_start_matches("/hostedzone/");
        let shaped = text.len() <= 32 && text.starts_with('Z') && text.len() > 1;
        if shaped && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err("must be a Route 53 hosted zone id (Z and up to 31 capitals and digits)".into())
        }
    }

    /// As text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HostedZoneId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<HostedZoneId> for String {
    fn from(id: HostedZoneId) -> String {
        id.0
    }
}

fn bare(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The zone `name` falls in: the longest zone name equal to it or a parent of it.
pub fn zone_for<'a>(name: &str, zones: &'a [HostedZone]) -> Option<&'a HostedZone> {
    let name = bare(name);
    zones
        .iter()
        .filter(|zone| {
            let zone = bare(&zone.name);
            name == zone || name.strip_suffix(&zone).is_some_and(|head| head.ends_with('.'))
        })
        .max_by_key(|zone| bare(&zone.name).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(id: &str, name: &str) -> HostedZone {
        HostedZone { id: id.into(), name: name.into() }
    }

    #[test]
    fn zone_ids_are_route53_shaped() {
        assert_eq!(HostedZoneId::parse("/hostedzone/Z0123ABC").unwrap().as_str(), "Z0123ABC");
        for bad in ["", "Z", "z123", "X123", "Z12-3", &format!("Z{}", "1".repeat(32))] {
            assert!(HostedZoneId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_longest_parent_zone_wins_on_label_boundaries() {
        let zones = [zone("Z1", "example.com."), zone("Z2", "shop.example.com."), zone("Z3", "ample.com.")];
        let found = |name: &str| zone_for(name, &zones).map(|z| z.id.as_str());
        assert_eq!(found("_x1.www.shop.example.com."), Some("Z2"));
        assert_eq!(found("_x2.WWW.Example.COM"), Some("Z1"), "case-insensitive");
        assert_eq!(found("example.com"), Some("Z1"), "the apex");
        assert_eq!(found("_x3.badexample.com."), None, "not a label boundary");
        assert_eq!(found("_x4.example.org."), None);
    }
}
