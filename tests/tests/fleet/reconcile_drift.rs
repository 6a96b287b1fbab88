//! Reconcile over a fleet: a few distributions changed outside cfm are found, and only their
//! configs are read again.

use cfm_e2e::TestStack;
use serde_json::{Value, json};

const FLEET: usize = 200;

/// Every drifted distribution, page by page.
async fn drifted(t: &TestStack) -> Vec<Value> {
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let page = t.api.get(&format!("/distributions?drifted=true&limit=100&nextToken={token}")).await.unwrap();
        all.extend(page["distributions"].as_array().unwrap().iter().cloned());
        match page["nextToken"].as_str() {
            Some(next) => token = next.to_owned(),
            None => return all,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_finds_the_few_changed_and_reads_only_their_configs() {
    let t = TestStack::default().await;
    let origin = cfm_e2e::fleet::origin(&t).await;
    let ids = cfm_e2e::fleet::seed(&t, &origin, FLEET, json!({"fleet": "drift"})).await;
    let first = t.reconcile().await;
    assert_eq!(first["output"]["reconciled"]["checked"], FLEET, "{first}");
    assert_eq!(first["output"]["reconciled"]["configsRead"], FLEET, "the first run reads each once");
    assert_eq!(drifted(&t).await.len(), 0);

    // Someone edits three of them in the console.
    let cf = t.aws.cloudfront();
    let mut edited = Vec::new();
    for id in ids.iter().step_by(FLEET / 3).take(3) {
        let record = t.api.get(&format!("/distributions/{id}")).await.unwrap();
        let cf_id = record["cloudfrontId"].as_str().unwrap();
        let current = cf.get_distribution_config().id(cf_id).send().await.unwrap();
        let mut config = current.distribution_config().unwrap().clone();
        config.comment = "edited by hand".into();
        let update = cf.update_distribution().id(cf_id).if_match(current.e_tag().unwrap()).distribution_config(config);
        update.send().await.unwrap();
        edited.push(id.to_string());
    }
    let second = t.reconcile().await;
    let reconciled = &second["output"]["reconciled"];
    assert_eq!(
        (reconciled["checked"].as_u64(), reconciled["configsRead"].as_u64()),
        (Some(FLEET as u64), Some(3)),
        "{second}"
    );
    let drifted = drifted(&t).await;
    let mut found: Vec<String> = drifted.iter().map(|d| d["id"].as_str().unwrap().to_owned()).collect();
    found.sort();
    edited.sort();
    assert_eq!(found, edited, "exactly the edited ones");
    assert!(drifted.iter().all(|d| d["drift"] == json!(["comment"])), "{drifted:?}");
    let steady = t.reconcile().await;
    assert_eq!(steady["output"]["reconciled"]["configsRead"], 0, "a steady fleet reads the list alone");
}
