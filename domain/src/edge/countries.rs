//! ISO 3166-1 alpha-2 (249 codes) and Kosovo's `XK`, which CloudFront's geolocation sends too:
//! every country code of `CloudFront-Viewer-Country`, with its continent (the grouping of the common country-to-continent data file: the
//! Caucasus, Cyprus and Turkey in Asia, Russia in Europe, the US minor islands in Oceania).

use crate::vocabulary;

vocabulary!(
    /// A continent, as routing maps name them (`continent:EU`).
    Continent {
        /// Africa.
        Africa => "AF",
        /// Antarctica.
        Antarctica => "AN",
        /// Asia.
        Asia => "AS",
        /// Europe.
        Europe => "EU",
        /// North America (with Central America and the Caribbean).
        NorthAmerica => "NA",
        /// Oceania.
        Oceania => "OC",
        /// South America.
        SouthAmerica => "SA",
    }
);

/// Each continent's countries, space-separated (250 codes in all).
const BY_CONTINENT: &[(Continent, &str)] = &[
    (
        Continent::Africa,
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU \
         MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
    ),
    (Continent::Antarctica, "AQ BV GS HM TF"),
    (
        Continent::Asia,
        "AE AF AM AZ BD BH BN BT CC CN CX CY GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN \
         MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE",
    ),
    (
        Continent::Europe,
        "AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC \
         MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK",
    ),
    (
        Continent::NorthAmerica,
        "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM PR \
         SV SX TC TT US VC VG VI",
    ),
    (Continent::SouthAmerica, "AR BO BR CL CO EC FK GF GY PE PY SR UY VE"),
    (Continent::Oceania, "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS"),
];

/// The countries of Western Asia (the Middle East and the Caucasus), which the global preset
/// serves with Europe rather than with Asia-Pacific.
pub(crate) const WESTERN_ASIA: &[&str] =
    &["AE", "AM", "AZ", "BH", "CY", "GE", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR", "YE"];

/// Every country with its continent, in the table's order.
pub fn countries() -> impl Iterator<Item = (&'static str, Continent)> {
    BY_CONTINENT.iter().flat_map(|(continent, codes)| codes.split_whitespace().map(move |code| (code, *continent)))
}

/// The continent of a country code, if it is one.
pub fn continent_of(code: &str) -> Option<Continent> {
    countries().find(|(c, _)| *c == code).map(|(_, continent)| continent)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_iso_code_once_with_a_continent() {
        let codes: Vec<&str> = countries().map(|(c, _)| c).collect();
        assert_eq!(codes.len(), 250, "ISO 3166-1's 249 codes and XK");
        assert_eq!(codes.iter().collect::<BTreeSet<_>>().len(), 250, "each once");
        assert!(codes.iter().all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        assert_eq!(continent_of("KR"), Some(Continent::Asia));
        assert_eq!(continent_of("DE"), Some(Continent::Europe));
        assert_eq!(continent_of("US"), Some(Continent::NorthAmerica));
        assert_eq!(continent_of("XX"), None);
        assert!(WESTERN_ASIA.iter().all(|c| continent_of(c) == Some(Continent::Asia)));
    }
}
