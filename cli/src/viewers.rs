//! Viewers run through a generated edge function: the code CloudFront runs, executed in Node
//! by cfm's stand-in for the edge (`cfm_domain::edge::RUNTIME_JS`), to show where a viewer from
//! each country goes.

use std::collections::BTreeMap;
use std::process::Stdio;

use anyhow::Context;
use serde_json::json;
use tokio::io::AsyncWriteExt;

/// Reads `{code, mode, countries}` from standard input and prints where each country goes: the
/// origin id a CloudFront Function selects, or the bucket a Lambda@Edge function switches to.
const DRIVER: &str = r#"
import { readFileSync } from 'node:fs';
const { code, mode, countries } = JSON.parse(readFileSync(0, 'utf8'));
const reached = {};
if (mode === 'lambda-edge') {
  const run = lambdaEdge(code);
  for (const country of countries) reached[country] = (await run(country)).origin.s3.domainName;
} else {
  const run = cloudfrontFunction(code);
  for (const country of countries) reached[country] = run(country).origin;
}
process.stdout.write(JSON.stringify(reached));
"#;

/// Where function `code` (running in `mode`) sends a viewer from each of `countries`.
pub(crate) async fn reached(code: &str, mode: &str, countries: &[&str]) -> anyhow::Result<BTreeMap<String, String>> {
    let script = format!("{}\n{DRIVER}", cfm_domain::edge::RUNTIME_JS);
    let mut node = tokio::process::Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("running node (Node.js 20 or later runs the generated code)")?;
    let input = json!({"code": code, "mode": mode, "countries": countries}).to_string();
    let mut stdin = node.stdin.take().context("node's standard input")?;
    stdin.write_all(input.as_bytes()).await?;
    drop(stdin);
    let out = node.wait_with_output().await?;
    anyhow::ensure!(out.status.success(), "the generated code failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).context("node's answer")
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfm_domain::Checked;

    #[tokio::test]
    async fn a_generated_function_sends_each_viewer_where_its_table_says() {
        let routing: cfm_domain::edge::RoutingRequest = serde_json::from_value(json!({
            "map": {"KR": "org-0000000000000001"}, "defaultOriginId": "org-0000000000000002"
        }))
        .unwrap();
        let mut problems = cfm_domain::Problems::new();
        let routing = routing.parse("routing", &mut problems).unwrap();
        let origins: Vec<_> = ["org-0000000000000001", "org-0000000000000002"]
            .map(|id| cfm_domain::edge::EdgeOrigin {
                id: cfm_domain::values::OriginId::parse(id).unwrap(),
                domain_name: format!("{id}.s3.eu-west-1.amazonaws.com"),
                region: Some("eu-west-1".into()),
                index_document: None,
            })
            .into();
        let code = cfm_domain::edge::generate(&routing, &origins).unwrap();
        let reached = reached(&code.code, "cloudfront-function", &["KR", "DE"]).await.unwrap();
        assert_eq!(reached["KR"], "org-0000000000000001");
        assert_eq!(reached["DE"], "org-0000000000000002", "the default");
    }
}
