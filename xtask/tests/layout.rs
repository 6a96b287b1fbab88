//! The architecture, checked over `cargo metadata`: which crate may depend on which. Only the
//! AWS adapter, the local cloud (which provisions with the SDK) and the end-to-end tests (which
//! check the cloud directly) name the AWS SDK; the domain does no I/O; dependencies point
//! inwards, towards the domain.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each workspace crate and its direct dependencies (normal, dev and build).
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"].as_array().into_iter().flatten();
            let names = deps.filter_map(|d| d["name"].as_str().map(str::to_owned)).collect();
            (p["name"].as_str().expect("a name").to_owned(), names)
        })
        .collect()
}

fn is_aws_sdk(name: &str) -> bool {
    ["aws-sdk-", "aws-config", "aws-smithy-", "aws-types", "aws-credential"].iter().any(|p| name.starts_with(p))
}

#[test]
fn only_the_adapter_the_local_cloud_and_the_end_to_end_tests_name_the_aws_sdk() {
    let allowed = ["cfm-aws", "cfm-localcloud", "cfm-e2e"];
    let offenders: Vec<(String, Vec<String>)> = dependencies()
        .into_iter()
        .filter(|(name, _)| !allowed.contains(&name.as_str()))
        .map(|(name, deps)| (name, deps.into_iter().filter(|d| is_aws_sdk(d)).collect::<Vec<_>>()))
        .filter(|(_, sdk)| !sdk.is_empty())
        .collect();
    assert!(offenders.is_empty(), "crates that name the AWS SDK: {offenders:?}");
}

#[test]
fn the_domain_does_no_io_and_dependencies_point_towards_it() {
    let deps = dependencies();
    let of = |name: &str| deps.get(name).unwrap_or_else(|| panic!("no crate {name}"));
    let pure = ["chrono", "schemars", "serde", "serde_json", "sha2", "thiserror", "uuid"];
    let impure: Vec<&String> = of("cfm-domain").iter().filter(|d| !pure.contains(&d.as_str())).collect();
    assert!(impure.is_empty(), "the domain depends on {impure:?}");
    // Who may not know whom: inner crates never name outer ones.
    let forbidden = [
        ("cfm-events", &["cfm-ports", "cfm-aws", "cfm-tasks", "cfm-api"][..]),
        ("cfm-ports", &["cfm-aws", "cfm-tasks", "cfm-api", "cfm-runtime"]),
        ("cfm-runtime", &["cfm-aws", "cfm-tasks", "cfm-api"]),
        ("cfm-tasks", &["cfm-aws", "cfm-api", "cfm-localcloud"]),
        ("cfm-api", &["cfm-aws", "cfm-tasks", "cfm-runtime", "cfm-localcloud"]),
        ("cfm-aws", &["cfm-tasks", "cfm-api", "cfm-runtime"]),
        ("cfm", &["cfm-aws", "cfm-tasks"]),
    ];
    for (name, never) in forbidden {
        let named: Vec<&&str> = never.iter().filter(|n| of(name).contains(**n)).collect();
        assert!(named.is_empty(), "{name} depends on {named:?}");
    }
}
