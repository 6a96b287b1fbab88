//! How viewers are routed to a distribution's origins: a preset that names which origin serves
//! each of its regions, a map of countries and continents, or both (the map wins), with a
//! default origin; and how the edge runs it. Parsed against the distribution's origins, so every
//! country resolves to one of them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::countries::{Continent, WESTERN_ASIA, countries};
use crate::problems::{Problems, quoted, within};
use crate::values::{Checked, OriginId};
use crate::vocabulary;
use crate::vocabulary::Vocabulary;

/// At most this many map entries (there are 250 country codes and 7 continents).
const MAX_MAP: usize = 300;
/// How a continent is written as a map key.
const CONTINENT_PREFIX: &str = "continent:";

vocabulary!(
    /// Where the routing runs.
    RoutingMode {
        /// A CloudFront Function on viewer request picks the origin by id: each keeps its OAC.
        CloudFrontFunction => "cloudfront-function",
        /// A Lambda@Edge function on origin request rewrites the S3 origin, reached through an
        /// Origin Access Identity (OAC cannot follow a Lambda@Edge origin switch).
        LambdaEdge => "lambda-edge",
    }
);

impl RoutingMode {
    /// The mode a routing without one runs in.
    pub fn default_mode() -> Self {
        Self::CloudFrontFunction
    }
}

vocabulary!(
    /// A ready-made routing.
    Preset {
        /// Asia-Pacific to one origin, the rest of the world (the Americas first) to another.
        ApacAmericas => "apac-americas",
        /// Asia-Pacific, the Americas, and Europe with Africa and the Middle East.
        Global3 => "global-3",
    }
);

vocabulary!(
    /// A region of a preset.
    PresetRegion {
        /// Asia and Oceania, without the Middle East.
        Apac => "apac",
        /// North, Central and South America (with `apac-americas`: every other country too).
        Americas => "americas",
        /// Europe, Africa, Antarctica and the Middle East (`global-3` only).
        Europe => "europe",
    }
);

impl Preset {
    /// Its regions, each of which the user gives an origin.
    pub fn regions(self) -> &'static [PresetRegion] {
        match self {
            Self::ApacAmericas => &[PresetRegion::Apac, PresetRegion::Americas],
            Self::Global3 => &[PresetRegion::Apac, PresetRegion::Americas, PresetRegion::Europe],
        }
    }

    /// The region a country belongs to.
    fn region_of(self, country: &str, continent: Continent) -> PresetRegion {
        let apac = matches!(continent, Continent::Asia | Continent::Oceania) && !WESTERN_ASIA.contains(&country);
        let americas = matches!(continent, Continent::NorthAmerica | Continent::SouthAmerica);
        match (self, apac, americas) {
            (_, true, _) => PresetRegion::Apac,
            (Self::ApacAmericas, false, _) | (Self::Global3, _, true) => PresetRegion::Americas,
            (Self::Global3, false, false) => PresetRegion::Europe,
        }
    }
}

/// A map key: a country, or every country of a continent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// An ISO 3166-1 alpha-2 code, e.g. `DE`.
    Country(&'static str),
    /// `continent:EU` and the like.
    Continent(Continent),
}

impl Place {
    fn parse(text: &str) -> Option<Self> {
        match text.strip_prefix(CONTINENT_PREFIX) {
            Some(code) => Continent::parse(code).map(Self::Continent),
            None => countries().find(|(c, _)| *c == text).map(|(c, _)| Self::Country(c)),
        }
    }

    fn text(self) -> String {
        match self {
            Self::Country(code) => code.to_owned(),
            Self::Continent(continent) => format!("{CONTINENT_PREFIX}{continent}"),
        }
    }
}

/// Routing as a distribution stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Routing {
    /// Where it runs.
    pub mode: RoutingMode,
    /// The preset, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    /// The origin of each of the preset's regions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regions: BTreeMap<String, OriginId>,
    /// Countries (`DE`) and continents (`continent:EU`) to origins; they win over the preset,
    /// and a country over its continent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub map: BTreeMap<String, OriginId>,
    /// The origin for viewers whose country is unknown or not covered.
    pub default_origin_id: OriginId,
}

impl Routing {
    /// The origin that serves each country, every ISO country listed.
    pub fn table(&self) -> BTreeMap<&'static str, &OriginId> {
        let place = |key: &String| Place::parse(key).expect("a stored routing holds parsed keys");
        let map: Vec<(Place, &OriginId)> = self.map.iter().map(|(k, o)| (place(k), o)).collect();
        countries()
            .map(|(country, continent)| {
                let exact = map.iter().find(|(p, _)| *p == Place::Country(country));
                let by_continent = map.iter().find(|(p, _)| *p == Place::Continent(continent));
                let by_preset =
                    self.preset.and_then(|preset| self.regions.get(preset.region_of(country, continent).as_str()));
                let origin = exact.or(by_continent).map(|(_, o)| *o).or(by_preset).unwrap_or(&self.default_origin_id);
                (country, origin)
            })
            .collect()
    }

    /// Reports each entry (under `field`) naming an origin that is not one of `origins`.
    pub fn check(&self, field: &str, origins: &[OriginId], p: &mut Problems) {
        let entries = self
            .regions
            .iter()
            .map(|(region, id)| (format!("{field}.regions.{region}"), id))
            .chain(self.map.iter().map(|(key, id)| (format!("{field}.map.{key}"), id)))
            .chain(std::iter::once((format!("{field}.defaultOriginId"), &self.default_origin_id)));
        for (at, id) in entries {
            p.check(!origins.contains(id), at, format!("origin {id} is not one of the distribution's origins"));
        }
    }

    /// Every origin it can send viewers to, each once, the default first.
    pub fn origins(&self) -> Vec<&OriginId> {
        let mut origins = vec![&self.default_origin_id];
        for origin in self.regions.values().chain(self.map.values()) {
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        origins
    }
}

/// Routing as a user writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoutingRequest {
    /// `cloudfront-function` (default) or `lambda-edge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `apac-americas` or `global-3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// With a preset: the origin of each of its regions (`apac`, `americas`, `europe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<BTreeMap<String, String>>,
    /// Country codes (`DE`) and continents (`continent:EU`) to origin ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<BTreeMap<String, String>>,
    /// The origin for every viewer nothing else covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_origin_id: Option<String>,
}

impl RoutingRequest {
    /// The routing, every problem recorded under `field` (e.g. `routing`); which origins it may
    /// name is [`Routing::check`]'s to say, once the distribution's origins are known.
    pub fn parse(&self, field: &str, p: &mut Problems) -> Option<Routing> {
        let at = |name: &str| format!("{field}.{name}");
        let origin = |p: &mut Problems, at: String, text: &str| OriginId::parse_into(p, &at, text);
        let mode = match &self.mode {
            Some(text) => RoutingMode::parse_into(p, &at("mode"), text),
            None => Some(RoutingMode::CloudFrontFunction),
        };
        let preset = self.preset.as_deref().and_then(|text| Preset::parse_into(p, &at("preset"), text));
        let mut regions = BTreeMap::new();
        match (preset, &self.regions) {
            (Some(preset), given) => {
                let given = given.clone().unwrap_or_default();
                for region in preset.regions() {
                    match given.get(region.as_str()) {
                        Some(text) => {
                            if let Some(id) = origin(p, at(&format!("regions.{region}")), text) {
                                regions.insert(region.as_str().to_owned(), id);
                            }
                        }
                        None => {
                            p.add(at(&format!("regions.{region}")), format!("{preset} needs an origin for {region}"))
                        }
                    }
                }
                for key in
                    given.keys().filter(|k| PresetRegion::parse(k).is_none_or(|r| !preset.regions().contains(&r)))
                {
                    let names: Vec<&str> = preset.regions().iter().map(|r| r.as_str()).collect();
                    p.add(at(&format!("regions.{key}")), format!("{preset} has the regions {}", names.join(", ")));
                }
            }
            (None, Some(_)) if self.preset.is_none() => p.add(at("regions"), "regions belong to a preset; give one"),
            (None, _) => {}
        }
        let mut map = BTreeMap::new();
        if let Some(given) = &self.map
            && within(p, &at("map"), given.len(), MAX_MAP)
        {
            for (key, text) in given {
                let entry = at(&format!("map.{key}"));
                match Place::parse(key) {
                    Some(place) => {
                        if let Some(id) = origin(p, entry, text) {
                            map.insert(place.text(), id);
                        }
                    }
                    None => p.add(
                        entry,
                        format!(
                            "{} is neither an ISO 3166-1 country code (e.g. DE) nor a continent ({CONTINENT_PREFIX}{})",
                            quoted(key),
                            Continent::allowed().replace(", ", ", continent:")
                        ),
                    ),
                }
            }
        }
        p.check(self.preset.is_none() && self.map.is_none(), field, "give a preset (with its regions) or a map");
        let default_origin_id = match &self.default_origin_id {
            Some(text) => origin(p, at("defaultOriginId"), text),
            None => {
                p.add(at("defaultOriginId"), "is required: the origin for viewers nothing else covers");
                None
            }
        };
        Some(Routing { mode: mode?, preset, regions, map, default_origin_id: default_origin_id? })
    }
}
