//! Embeds every state machine named in `statemachines/topology.json`, so the list of workflows
//! is kept in one place.

use std::path::Path;

fn main() {
    // At run time: cargo sets it for every run, so a build shared between checkouts reads its own.
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let topology_path = root.join("topology.json");
    println!("cargo::rerun-if-changed={}", topology_path.display());
    let text = std::fs::read_to_string(&topology_path).expect("read topology.json");
    let names = machine_names(&text);
    let mut out = String::from("/// `(name, ASL text)` for every state machine in the topology.\n");
    out.push_str("pub const DEFINITIONS: &[(&str, &str)] = &[\n");
    for name in names {
        let file = root.join(format!("{name}.asl.json"));
        println!("cargo::rerun-if-changed={}", file.display());
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            file.canonicalize().expect("ASL file exists").display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("definitions.rs");
    std::fs::write(dest, out).unwrap();
}

/// Reads `"stateMachines": [..]` without a JSON dependency in the build script.
fn machine_names(text: &str) -> Vec<String> {
    let start = text.find("\"stateMachines\"").expect("stateMachines key");
    let open = start + text[start..].find('[').expect("[");
    let close = open + text[open..].find(']').expect("]");
    text[open + 1..close].split(',').map(|s| s.trim().trim_matches('"').to_owned()).filter(|s| !s.is_empty()).collect()
}
