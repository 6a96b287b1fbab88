//! Benchmark: state transitions per workflow on the local cloud, read from each execution's
//! history (`*StateEntered` events: what Step Functions Standard bills), plus what a 15-minute
//! CloudFront deployment would add with the polling backoff. Prints Markdown for
//! docs/benchmarks.md. Run: `cargo run -p cfm-e2e --bin transitions`.

use cfm_e2e::{TestStack, unique_bucket};
use cfm_tasks::distributions::poll::Poll;
use reqwest::Method;
use serde_json::json;

/// Step Functions Standard price per state transition (us-east-1, $0.025 per 1,000).
const PRICE_PER_TRANSITION: f64 = 0.000_025;
/// Transitions per deployment poll: Wait, CheckDeployment, Choice.
const PER_POLL: usize = 3;

async fn transitions(t: &TestStack, execution_id: &str) -> (usize, usize) {
    let view = t.wait(execution_id).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
    let entered = t.states_entered(view["executionArn"].as_str().unwrap()).await;
    (entered.len(), entered.iter().filter(|name| name.starts_with("WaitFor")).count())
}

/// Polls a 15-minute deployment needs with a 30 s base (the AWS setting), using the workers'
/// own backoff.
fn polls_for_15_minutes() -> usize {
    let (mut poll, mut waited, mut polls) = (Poll::starting(30), 0, 0);
    while waited < 15 * 60 {
        waited += poll.seconds;
        poll = poll.next(false).expect("within the polling budget");
        polls += 1;
    }
    polls
}

#[tokio::main]
async fn main() {
    let t = TestStack::default().await;
    let mut rows = Vec::new();
    let spec = json!({"name": "bench", "bucketName": unique_bucket("bench"), "region": "eu-west-1"});
    let accepted = t.accept(Method::POST, "/origins", Some(&spec)).await;
    rows.push(("create-origin", transitions(&t, accepted["executionId"].as_str().unwrap()).await, false));
    let origin = accepted["resourceId"].as_str().unwrap().to_owned();
    let custom = json!({"type": "custom", "name": "bench-api", "domainName": "api.example.com"});
    let accepted = t.accept(Method::POST, "/origins", Some(&custom)).await;
    rows.push(("create-origin (custom)", transitions(&t, accepted["executionId"].as_str().unwrap()).await, false));

    let policy = json!({"name": unique_bucket("bench-policy"), "maxTtl": 600});
    let accepted = t.accept(Method::POST, "/cache-policies", Some(&policy)).await;
    rows.push(("create-policy", transitions(&t, accepted["executionId"].as_str().unwrap()).await, false));
    let policy_id = accepted["resourceId"].as_str().unwrap().to_owned();
    let accepted = t.accept(Method::DELETE, &format!("/cache-policies/{policy_id}"), None).await;
    rows.push(("delete-policy", transitions(&t, accepted["executionId"].as_str().unwrap()).await, false));

    let accepted = t.accept(Method::POST, "/distributions", Some(&json!({"name": "bench", "originId": origin}))).await;
    rows.push(("create-distribution", transitions(&t, accepted["executionId"].as_str().unwrap()).await, true));
    let id = accepted["resourceId"].as_str().unwrap().to_owned();
    let body = json!({"paths": ["/index.html"]});
    let accepted = t.accept(Method::POST, &format!("/distributions/{id}/invalidate"), Some(&body)).await;
    rows.push(("invalidate-distribution", transitions(&t, accepted["executionId"].as_str().unwrap()).await, false));
    let accepted = t.accept(Method::PUT, &format!("/distributions/{id}"), Some(&json!({"comment": "x"}))).await;
    rows.push(("update-distribution", transitions(&t, accepted["executionId"].as_str().unwrap()).await, true));
    let accepted = t.accept(Method::DELETE, &format!("/distributions/{id}"), None).await;
    rows.push(("delete-distribution", transitions(&t, accepted["executionId"].as_str().unwrap()).await, true));
    let accepted = t.accept(Method::DELETE, &format!("/origins/{origin}"), None).await;
    rows.push(("delete-origin", transitions(&t, accepted["executionId"].as_str().unwrap()).await, false));

    let aws_polls = polls_for_15_minutes();
    println!("| workflow | transitions measured (polls) | with a 15-minute deployment | cost per 1,000 runs |");
    println!("|---|---|---|---|");
    for (workflow, (entered, polls), waits) in rows {
        let projected = if waits { entered + (aws_polls.saturating_sub(polls)) * PER_POLL } else { entered };
        println!(
            "| {workflow} | {entered} ({polls}) | {projected} | ${:.3} |",
            projected as f64 * 1000.0 * PRICE_PER_TRANSITION
        );
    }
    println!("\n15-minute deployment with a 30 s base: {aws_polls} polls ({} transitions).", aws_polls * PER_POLL);
}
