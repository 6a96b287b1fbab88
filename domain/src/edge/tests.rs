use serde_json::json;

use super::*;
use crate::problems::Problems;
use crate::values::{Checked, OriginId};

const A: &str = "org-00000000000000a1";
const B: &str = "org-00000000000000b2";
const C: &str = "org-00000000000000c3";

fn ids() -> Vec<OriginId> {
    [A, B, C].iter().map(|id| OriginId::parse(id).unwrap()).collect()
}

fn routing(body: serde_json::Value) -> Result<Routing, Vec<String>> {
    let request: RoutingRequest = serde_json::from_value(body).unwrap();
    let mut p = Problems::new();
    let routing = request.parse("routing", &mut p).inspect(|r| r.check("routing", &ids(), &mut p));
    match (routing, p.is_empty()) {
        (Some(routing), true) => Ok(routing),
        _ => Err(p.list().iter().map(|p| p.field.clone()).collect()),
    }
}

fn origins() -> Vec<EdgeOrigin> {
    ids()
        .into_iter()
        .map(|id| EdgeOrigin {
            domain_name: format!("{}.s3.eu-west-1.amazonaws.com", id.as_str()),
            region: Some("eu-west-1".into()),
            index_document: None,
            id,
        })
        .collect()
}

#[test]
fn the_global_preset_sends_each_country_to_its_regions_origin() {
    let routing = routing(json!({"preset": "global-3", "regions": {"apac": A, "americas": B, "europe": C},
        "defaultOriginId": C}))
    .unwrap();
    let table = routing.table();
    assert_eq!(table.len(), 250, "every country");
    for (country, origin) in [("KR", A), ("AU", A), ("US", B), ("BR", B), ("DE", C), ("ZA", C), ("AE", C)] {
        assert_eq!(table[country].as_str(), origin, "{country}");
    }
    assert_eq!(routing.mode, RoutingMode::CloudFrontFunction, "the default mode");
}

#[test]
fn a_map_wins_over_the_preset_and_a_country_over_its_continent() {
    let routing = routing(json!({"preset": "apac-americas", "regions": {"apac": A, "americas": B},
        "map": {"continent:EU": C, "FR": A}, "defaultOriginId": B}))
    .unwrap();
    let table = routing.table();
    assert_eq!((table["JP"].as_str(), table["US"].as_str(), table["NG"].as_str()), (A, B, B));
    assert_eq!((table["DE"].as_str(), table["FR"].as_str()), (C, A));
    assert_eq!(routing.origins().len(), 3);
}

#[test]
fn bad_routing_names_every_entry() {
    let fields = routing(json!({"mode": "edge", "preset": "global-3", "regions": {"apac": A, "mars": B},
        "map": {"XX": A, "continent:ZZ": A, "de": A, "US": "org-00000000000000ff"}}))
    .unwrap_err();
    for field in [
        "routing.mode",
        "routing.regions.americas",
        "routing.regions.europe",
        "routing.regions.mars",
        "routing.map.XX",
        "routing.map.continent:ZZ",
        "routing.map.de",
        "routing.defaultOriginId",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    assert_eq!(routing(json!({"defaultOriginId": A})).unwrap_err(), ["routing"], "a preset or a map");
    let foreign = routing(json!({"map": {"US": "org-00000000000000ff"}, "defaultOriginId": A})).unwrap_err();
    assert_eq!(foreign, ["routing.map.US"], "every origin is one of the distribution's");
}

#[test]
fn the_generated_function_is_data_in_a_fixed_shape_and_fits() {
    let routing = routing(json!({"preset": "global-3", "regions": {"apac": A, "americas": B, "europe": C},
        "defaultOriginId": A}))
    .unwrap();
    let mut with_index = origins();
    with_index[2].index_document = Some("index.html\";\u{2028}eval('x')//".into());
    let code = generate(&routing, &with_index).unwrap();
    assert!(code.code.starts_with("import cf from 'cloudfront';\n"));
    assert!(code.size_bytes < FUNCTION_LIMIT_BYTES && code.size_bytes == code.code.len());
    assert!(code.code.contains(r#"index.html\";\u2028eval('x')//"#), "the hostile document stays a string");
    assert!(!code.code.contains("require("));
    let lambda = generate(&Routing { mode: RoutingMode::LambdaEdge, ..routing.clone() }, &origins()).unwrap();
    assert!(lambda.code.contains("exports.handler") && lambda.code.contains("origin-access-identity"));
    assert_eq!(lambda.table, code.table);
    assert!(matches!(generate(&routing, &origins()[..1]), Err(CodeError::UnknownOrigin(_))));
}

#[test]
fn a_function_goes_to_one_retirement_from_any_state_but_retired() {
    use crate::claim::Claim;
    use crate::record::Claimed;
    use crate::values::{DistributionId, ExecutionArn, Timestamp};

    let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:cfm-x";
    let claim = |name: &str| Claim::new(&ExecutionArn::of(machine, name), "w", Timestamp::at(chrono::Utc::now()));
    let routing = routing(json!({"map": {"DE": ids()[1]}, "defaultOriginId": ids()[0]})).unwrap();
    let code = generate(&routing, &origins()).unwrap();
    let distribution = DistributionId::parse("dist-0000000000000001").unwrap();
    let publish = claim("publish");
    let mut edge = EdgeFunctionRecord::publishing(&distribution, 1, &routing, &code, publish.clone(), publish.since);

    // A publish that never finished: the execution letting go of it hands it over.
    assert_eq!(edge.retire_by(claim("retire-1"), publish.execution.as_str()), Ok(true));
    assert_eq!(edge.status, EdgeFunctionStatus::Retiring);
    assert_eq!(edge.retire_by(claim("retire-1"), "other"), Ok(true), "a repeat is the same hand-over");
    assert!(edge.retire_by(claim("retire-2"), "other").is_err(), "one retirement at a time");
    assert_eq!(edge.finish(claim("retire-1").execution.as_str(), EdgeFunctionStatus::Retired), Ok(true));
    assert_eq!(edge.retire_by(claim("retire-3"), "other"), Ok(false), "nothing left to retire");
}
