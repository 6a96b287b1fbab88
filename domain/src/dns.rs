//! Route 53: which public hosted zone a name falls in (the longest zone name that is the name
//! or one of its parents, compared case-insensitively, without the trailing dot), and which
//! alias records at a name are cfm's to change.

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

/// The record types an alias to a distribution has (CloudFront serves IPv4 and IPv6).
pub const ALIAS_TYPES: [&str; 2] = ["A", "AAAA"];

/// A record set at a name, as much of it as cfm decides on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSet {
    /// Its name, e.g. `www.example.com.`.
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, …
    pub r#type: String,
    /// The DNS name it aliases, if it is an alias.
    pub alias_target: Option<String>,
}

impl RecordSet {
    /// Whether it is an A or AAAA alias to `domain` (a distribution's `dxxxx.cloudfront.net`):
    /// the only records cfm changes or removes.
    pub fn aliases(&self, domain: &str) -> bool {
        ALIAS_TYPES.contains(&self.r#type.as_str())
            && self.alias_target.as_deref().is_some_and(|t| bare(t) == bare(domain))
    }
}

/// A change to the alias records at one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasAction {
    /// Create or update the A and AAAA aliases.
    Upsert,
    /// Delete the aliases of these types (the ones there: Route 53 refuses to delete a record
    /// that is not).
    Delete(Vec<String>),
}

/// What to do at `name`, given the record sets there: a wanted name gets its aliases unless a
/// record cfm did not make holds it (then why it is left alone); a name no longer wanted loses
/// only the aliases to `domain`.
pub fn alias_change(
    name: &str,
    wanted: bool,
    existing: &[RecordSet],
    domain: &str,
) -> Result<Option<AliasAction>, String> {
    let here: Vec<&RecordSet> = existing.iter().filter(|set| bare(&set.name) == bare(name)).collect();
    let ours: Vec<String> = here.iter().filter(|set| set.aliases(domain)).map(|set| set.r#type.clone()).collect();
    if !wanted {
        return Ok((!ours.is_empty()).then_some(AliasAction::Delete(ours)));
    }
    // A CNAME, or an A/AAAA record pointing elsewhere, is someone else's.
    match here
        .iter()
        .find(|set| !set.aliases(domain) && (ALIAS_TYPES.contains(&set.r#type.as_str()) || set.r#type == "CNAME"))
    {
        Some(foreign) => Err(format!("a {} record cfm did not make is there", foreign.r#type)),
        None if ours.len() == ALIAS_TYPES.len() => Ok(None),
        None => Ok(Some(AliasAction::Upsert)),
    }
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

    fn set(name: &str, r#type: &str, alias: Option<&str>) -> RecordSet {
        RecordSet { name: name.into(), r#type: r#type.into(), alias_target: alias.map(Into::into) }
    }

    #[test]
    fn only_aliases_to_the_distribution_are_changed() {
        let domain = "d111.cloudfront.net";
        let ours =
            [set("www.example.com.", "A", Some("D111.cloudfront.net.")), set("www.example.com.", "AAAA", Some(domain))];
        assert_eq!(alias_change("www.example.com", true, &[], domain), Ok(Some(AliasAction::Upsert)));
        assert_eq!(alias_change("www.example.com", true, &ours, domain), Ok(None), "already there");
        assert_eq!(alias_change("www.example.com", true, &ours[..1], domain), Ok(Some(AliasAction::Upsert)));
        let both = AliasAction::Delete(vec!["A".into(), "AAAA".into()]);
        assert_eq!(alias_change("www.example.com", false, &ours, domain), Ok(Some(both)));
        let one = AliasAction::Delete(vec!["A".into()]);
        assert_eq!(alias_change("www.example.com", false, &ours[..1], domain), Ok(Some(one)));
        assert_eq!(alias_change("www.example.com", false, &[], domain), Ok(None));
        let foreign =
            [set("www.example.com.", "A", Some("d999.cloudfront.net.")), set("www.example.com.", "TXT", None)];
        assert!(alias_change("www.example.com", true, &foreign, domain).is_err());
        assert_eq!(alias_change("www.example.com", false, &foreign, domain), Ok(None), "never removed");
        let cname = [set("www.example.com.", "CNAME", None)];
        assert!(alias_change("www.example.com", true, &cname, domain).is_err());
        let elsewhere = [set("api.example.com.", "A", None)];
        assert_eq!(alias_change("www.example.com", true, &elsewhere, domain), Ok(Some(AliasAction::Upsert)));
    }
}
