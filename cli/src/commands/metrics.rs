//! `cfm distributions metrics`: a compact table of a distribution's CloudFront metrics, with a
//! sparkline of each on a terminal.

use std::io::IsTerminal;

use super::{Output, print, segment};
use crate::client::ApiClient;

const ROWS: [(&str, &str, &str); 7] = [
    ("requests", "requests", ""),
    ("bytesDownloaded", "bytes down", " B"),
    ("bytesUploaded", "bytes up", " B"),
    ("errorRate4xx", "4xx error rate", " %"),
    ("errorRate5xx", "5xx error rate", " %"),
    ("totalErrorRate", "total error rate", " %"),
    ("cacheHitRate", "cache hit rate", " %"),
];

/// Eight levels from the smallest value to the largest.
pub(crate) fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (low, high) = values.iter().fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
    values
        .iter()
        .map(|v| if high > low { BARS[(((v - low) / (high - low)) * 7.0).round() as usize] } else { BARS[0] })
        .collect()
}

/// Prints the metrics of `id` over the window the arguments give.
pub(crate) async fn run(
    client: &ApiClient,
    output: Output,
    id: &str,
    window: [(&str, Option<String>); 3],
) -> anyhow::Result<()> {
    let query: Vec<String> =
        window.iter().filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}={}", segment(v)))).collect();
    let answer = client.get(&format!("/distributions/{id}/metrics?{}", query.join("&"))).await?;
    if output == Output::Json {
        return print(output, &answer);
    }
    let trend = std::io::stdout().is_terminal();
    println!(
        "{} ({}) from {} to {}, every {} s",
        id,
        answer["cloudfrontId"].as_str().unwrap_or("-"),
        answer["from"].as_str().unwrap_or("-"),
        answer["to"].as_str().unwrap_or("-"),
        answer["period"]
    );
    for (key, label, unit) in ROWS {
        let values: Vec<f64> =
            answer["metrics"][key].as_array().into_iter().flatten().filter_map(|p| p["value"].as_f64()).collect();
        let summary = &answer["summary"][key];
        let value = summary["value"].as_f64().unwrap_or_default();
        let of = summary["of"].as_str().unwrap_or("");
        let line = format!("{label:<17} {value:>14.2}{unit:<2} {of:<4} {:>4} points", values.len());
        if trend && !values.is_empty() {
            println!("{line}  {}", sparkline(&values));
        } else {
            println!("{line}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_scales_from_the_least_to_the_most() {
        assert_eq!(sparkline(&[0.0, 5.0, 10.0]), "▁▅█");
        assert_eq!(sparkline(&[3.0, 3.0]), "▁▁", "flat");
        assert_eq!(sparkline(&[]), "");
    }
}
