//! Benchmark: the scheduled reconcile over a fleet seeded straight into the local cloud and the
//! table (not through thousands of create workflows), at 1,000 and 5,000 distributions: its
//! calls to CloudFront and its time, the first run (every config read once) and a steady one
//! (the list alone). Prints Markdown rows for docs/benchmarks.md. Outside CI. One size per run
//! (the local cloud's CloudFront is the account's, so a second fleet would be listed too):
//! `cargo run -p cfm-e2e --bin reconcile_scale -- 1000`, then `-- 5000`.

use std::time::Instant;

use cfm_domain::values::ExecutionArn;
use cfm_e2e::TestStack;
use cfm_e2e::faults::CountOperation;
use cfm_events::TaskContext;
use cfm_runtime::TaskHandler;
use serde_json::json;

/// One reconcile: (seconds, ListDistributions calls, GetDistribution calls, distributions checked).
async fn reconcile(t: &TestStack, name: &str) -> (f64, usize, usize, u64) {
    let (lists, gets) = (CountOperation::new("ListDistributions"), CountOperation::new("GetDistribution"));
    let (listed, got) = (lists.counter(), gets.counter());
    let aws = t.aws.clone().with_interceptor(lists.shared()).with_interceptor(gets.shared());
    let handlers = cfm_tasks::Tasks::new(t.stack.resources().ports(&aws));
    let machines = &t.stack.resources().machines;
    let context = TaskContext {
        task: "ReconcileDistributions".into(),
        execution: ExecutionArn::of(&machines["reconcile"], name),
    };
    let input = json!({"machines": {"retireEdgeFunction": machines["retire-edge-function"]}});
    let started = Instant::now();
    let out = handlers.run(&context, input).await.expect("reconcile succeeds");
    let seconds = started.elapsed().as_secs_f64();
    let count = |c: &std::sync::Arc<std::sync::atomic::AtomicUsize>| c.load(std::sync::atomic::Ordering::SeqCst);
    (seconds, count(&listed), count(&got), out.output["checked"].as_u64().unwrap_or_default())
}

#[tokio::main]
async fn main() {
    let size: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let t = TestStack::default().await;
    let origin = cfm_e2e::fleet::origin(&t).await;
    let started = Instant::now();
    cfm_e2e::fleet::seed(&t, &origin, size, json!({})).await;
    eprintln!("seeded {size} distributions in {:.1} s", started.elapsed().as_secs_f64());
    println!("| distributions | run | seconds | ListDistributions | GetDistribution |");
    println!("|---|---|---|---|---|");
    for run in ["first", "steady"] {
        let (seconds, lists, gets, checked) = reconcile(&t, &format!("bench-{size}-{run}")).await;
        assert_eq!(checked as usize, size, "every distribution checked");
        println!("| {size} | {run} | {seconds:.1} | {lists} | {gets} |");
    }
}
