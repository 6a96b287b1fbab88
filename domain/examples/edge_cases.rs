//! Writes the edge functions cfm generates for a set of routings, with what each must do, as
//! JSON for the `node:test` suite (`tests/edge`) that runs them: `cargo run -p cfm-domain
//! --example edge_cases -- <file>` (`cargo xtask test` does).

use cfm_domain::edge::{EdgeOrigin, RoutingRequest, generate};
use cfm_domain::problems::Problems;
use cfm_domain::values::{Checked, OriginId};
use serde_json::{Value, json};

const APAC: &str = "org-00000000000000a1";
const AMERICAS: &str = "org-00000000000000b2";
const EUROPE: &str = "org-00000000000000c3";

fn origin(id: &str, region: &str, index_document: Option<&str>) -> EdgeOrigin {
    EdgeOrigin {
        id: OriginId::parse(id).expect("an id"),
        domain_name: format!("bucket-{region}.s3.{region}.amazonaws.com"),
        region: Some(region.to_owned()),
        index_document: index_document.map(str::to_owned),
    }
}

fn case(name: &str, origins: &[EdgeOrigin], routing: Value) -> Value {
    let request: RoutingRequest = serde_json::from_value(routing).expect("a routing request");
    let ids: Vec<OriginId> = origins.iter().map(|o| o.id.clone()).collect();
    let mut problems = Problems::new();
    let routing = request.parse("routing", &mut problems).inspect(|r| r.check("routing", &ids, &mut problems));
    let routing = routing.filter(|_| problems.is_empty());
    let routing = routing.unwrap_or_else(|| panic!("{name}: {problems}"));
    let code = generate(&routing, origins).unwrap_or_else(|e| panic!("{name}: {e}"));
    json!({"name": name, "defaultOriginId": routing.default_origin_id, "origins": origins, "generated": code})
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: edge_cases <file>");
    let three =
        [origin(APAC, "ap-northeast-2", None), origin(AMERICAS, "us-east-1", None), origin(EUROPE, "eu-west-1", None)];
    let global = json!({"apac": APAC, "americas": AMERICAS, "europe": EUROPE});
    let two = json!({"apac": APAC, "americas": AMERICAS});
    let site = [origin(APAC, "ap-southeast-1", Some("index.html")), origin(EUROPE, "eu-central-1", None)];
    // Index documents are user strings: quotes, backslashes, line separators, script-looking text.
    let hostile = [
        origin(APAC, "ap-south-1", Some("a\"b\\c'd\u{2028}e\u{2029}f</script>${x}`g`.html")),
        origin(AMERICAS, "sa-east-1", Some("\"]; cf.selectRequestOriginById('evil'); //")),
    ];
    let cases = vec![
        case(
            "global-3, CloudFront Function",
            &three,
            json!({"preset": "global-3", "regions": global, "defaultOriginId": EUROPE}),
        ),
        case(
            "apac-americas, CloudFront Function",
            &three[..2],
            json!({"preset": "apac-americas", "regions": two, "defaultOriginId": AMERICAS}),
        ),
        case(
            "global-3, Lambda@Edge",
            &three,
            json!({"mode": "lambda-edge", "preset": "global-3", "regions": global, "defaultOriginId": EUROPE}),
        ),
        case(
            "apac-americas, Lambda@Edge",
            &three[..2],
            json!({"mode": "lambda-edge", "preset": "apac-americas", "regions": two, "defaultOriginId": APAC}),
        ),
        case(
            "a user map with a website origin",
            &site,
            json!({"map": {"continent:AS": APAC, "continent:OC": APAC, "IN": EUROPE}, "defaultOriginId": EUROPE}),
        ),
        case("hostile index documents", &hostile, json!({"map": {"continent:SA": AMERICAS}, "defaultOriginId": APAC})),
    ];
    if let Some(dir) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(dir).expect("creating the cases' directory");
    }
    std::fs::write(&path, serde_json::to_string_pretty(&cases).expect("JSON")).expect("writing the cases");
    println!("wrote {} edge-function cases to {path}", cases.len());
}
