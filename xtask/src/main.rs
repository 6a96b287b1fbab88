//! `cargo xtask test`: every check CI runs, in the order that fails fastest.
//!
//! 1. `cargo fmt --check`
//! 2. `cargo clippy --workspace --all-targets -- -D warnings`
//! 3. `cargo build --bins` and `cargo test --workspace` (unit tests, the ASL lint, and the
//!    end-to-end tests, which start the local cloud themselves; the console's browser test
//!    needs Chromium, installed with apt on first use, and `tests/console`'s npm packages)
//! 4. the local-cloud extension's own tests (`localcloud/python`, in the moto venv the end-to-end
//!    tests installed)
//! 5. the generated edge functions under `node:test` (`tests/edge`, on cases the
//!    `cfm-domain` example `edge_cases` writes)
//! 6. the API's OpenAPI document (the `cfm-api` example `openapi` writes it) against the
//!    OpenAPI 3.1 schema (npm package, installed on first use)
//! 7. `asl-validator` over every state machine (npm package, installed on first use)
//! 8. the CDK app's tests (`npm test` in infra/cdk: assertions, asl-validator on the
//!    synthesized definitions, cfn-lint on the template)

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test(),
        _ => bail!("usage: cargo xtask test"),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}

fn run(what: &str, command: &mut Command) -> anyhow::Result<()> {
    let started = Instant::now();
    eprintln!("xtask: {what}");
    if command.get_current_dir().is_none() {
        command.current_dir(root());
    }
    let status = command.status().with_context(|| format!("could not start: {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    eprintln!("xtask: {what} ok in {:.0}s", started.elapsed().as_secs_f64());
    Ok(())
}

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    command
}

fn npm_ci(dir: &Path) -> anyhow::Result<()> {
    if dir.join("node_modules").exists() {
        return Ok(());
    }
    run(
        &format!("npm ci in {}", dir.display()),
        Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(dir),
    )
}

/// The pinned cfn-lint, in a project-local venv created on first use.
const CFN_LINT: &str = "cfn-lint==1.58.0";

fn ensure_cfn_lint() -> anyhow::Result<PathBuf> {
    let venv = root().join(".cfm/tools");
    let bin = venv.join("bin/cfn-lint");
    let marker = venv.join(".installed");
    if bin.exists() && std::fs::read_to_string(&marker).is_ok_and(|m| m == CFN_LINT) {
        return Ok(bin);
    }
    run("python3 -m venv .cfm/tools", Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(
        &format!("pip install {CFN_LINT}"),
        Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", CFN_LINT]),
    )?;
    std::fs::write(marker, CFN_LINT)?;
    Ok(bin)
}

/// Installs Debian's Chromium (for the console's browser test) if the machine has none.
fn ensure_chromium() -> anyhow::Result<()> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    run("apt-get update", Command::new("apt-get").args(["update", "-qq"]))?;
    run(
        "apt-get install chromium",
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn test() -> anyhow::Result<()> {
    run("cargo fmt --check", &mut cargo(&["fmt", "--all", "--check"]))?;
    run("cargo clippy -D warnings", &mut cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    // The console's browser test needs Debian's Chromium and playwright-core.
    ensure_chromium()?;
    npm_ci(&root().join("tests/console"))?;
    // The CLI's end-to-end test runs the real `cfm` binary, which `cargo test` alone may not link.
    run("cargo build --bins", &mut cargo(&["build", "--workspace", "--bins"]))?;
    run("cargo test", &mut cargo(&["test", "--workspace"]))?;
    run(
        "local-cloud extension tests",
        Command::new(root().join(".cfm/venv/bin/python")).args([
            "-m",
            "unittest",
            "discover",
            "-s",
            "localcloud/python/tests",
        ]),
    )?;

    // Under `.cfm`, not `target/`: CI points CARGO_TARGET_DIR elsewhere, so `target/` may not exist.
    let cases = root().join(".cfm/edge-cases.json");
    let cases_arg = cases.to_string_lossy().into_owned();
    run(
        "edge function cases",
        &mut cargo(&["run", "-q", "-p", "cfm-domain", "--example", "edge_cases", "--", &cases_arg]),
    )?;
    run(
        "edge functions under node:test (tests/edge)",
        Command::new("node").args(["--test", "tests/edge/"]).env("CFM_EDGE_CASES", &cases),
    )?;

    let openapi = root().join(".cfm/openapi.json");
    let openapi_arg = openapi.to_string_lossy().into_owned();
    run(
        "the OpenAPI document",
        &mut cargo(&["run", "-q", "-p", "cfm-api", "--example", "openapi", "--", &openapi_arg]),
    )?;
    let openapi_validator = root().join("tools/openapi-validator");
    npm_ci(&openapi_validator)?;
    run(
        "OpenAPI 3.1 schema validation (@seriousme/openapi-schema-validator)",
        Command::new("node").arg(openapi_validator.join("validate.mjs")).arg(&openapi),
    )?;

    let validator = root().join("tools/asl-validator");
    npm_ci(&validator)?;
    let mut asl = Command::new(validator.join("node_modules/.bin/asl-validator"));
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(root().join("statemachines"))?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.retain(|p| p.to_string_lossy().ends_with(".asl.json"));
    files.sort();
    for file in &files {
        asl.arg("--json-path").arg(file);
    }
    run(&format!("asl-validator ({} state machines)", files.len()), &mut asl)?;

    let cdk = root().join("infra/cdk");
    npm_ci(&cdk)?;
    let cfn_lint = ensure_cfn_lint()?;
    run(
        "npm test in infra/cdk (CDK assertions, asl-validator, cfn-lint)",
        Command::new("npm").arg("test").current_dir(&cdk).env("CFN_LINT", cfn_lint),
    )?;
    eprintln!("xtask: all checks passed");
    Ok(())
}
