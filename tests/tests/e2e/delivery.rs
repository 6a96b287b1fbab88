//! At-least-once delivery: duplicated task messages, answers that come too late, and messages
//! no worker can read.

use std::time::Duration;

use cfm_e2e::{TestStack, unique_bucket};
use cfm_localcloud::StackOptions;
use cfm_runtime::TaskHandler;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_task_delivered_twice_creates_one_bucket_and_one_oac() {
    let t = TestStack::start(StackOptions { paused_workers: true, ..Default::default() }).await;
    let bucket = unique_bucket("twice");
    let spec = json!({"name": "x", "bucketName": bucket, "region": "eu-north-1"});
    let accepted = t.accept(Method::POST, "/origins", Some(&spec)).await;
    let execution = accepted["executionId"].as_str().unwrap();
    let id = accepted["resourceId"].as_str().unwrap();

    let delivered = deliver_twice(&t, "Origins", execution).await;
    assert_eq!(delivered, 5, "five tasks ran");
    assert_eq!(t.oacs_named(&format!("cfm-{id}")).await.len(), 1, "one OAC");
    let buckets = t.aws.s3("eu-north-1").list_buckets().send().await.unwrap();
    assert_eq!(buckets.buckets().iter().filter(|b| b.name() == Some(bucket.as_str())).count(), 1);
    let origin = t.api.get(&format!("/origins/{id}")).await.unwrap();
    assert_eq!(origin["status"], "ACTIVE");
    // FinalizeOrigin published the same event id twice (crashed run, real run); history holds it once
    tokio::time::sleep(Duration::from_secs(1)).await;
    let events = t.history(id, 1).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
}

/// Plays SQS for one execution. Each message on `family`'s queue is (1) handled as by a
/// delivery that did the work and published its events but died before answering, (2) handed to
/// the worker, which does the work again and answers, and (3) handed to a worker again after its
/// task moved on, which must do no work at all. Returns how many messages came.
pub(crate) async fn deliver_twice(t: &TestStack, family: &str, execution: &str) -> usize {
    let sqs = t.aws.sqs();
    let queue = &t.stack.resources().worker_queues.iter().find(|q| q.family == family).unwrap().url;
    let worker = t.stack.task_worker();
    let (late, work) = t.counting_worker();
    let crashed = t.handlers();
    let events = t.ports().events;
    let mut delivered = 0;
    for _ in 0..300 {
        let view = t.api.get(&format!("/executions/{execution}")).await.unwrap();
        if view["status"] != "RUNNING" {
            assert_eq!(view["status"], "SUCCEEDED", "{view}");
            assert_eq!(work.load(std::sync::atomic::Ordering::SeqCst), 0, "a late delivery did work");
            return delivered;
        }
        let received = sqs.receive_message().queue_url(queue).wait_time_seconds(1).send().await.unwrap();
        for message in received.messages() {
            let body = message.body().unwrap();
            let task = cfm_events::TaskMessage::decode(body).unwrap();
            let output = crashed.run(&task.context(), task.input.clone()).await.expect("the first run succeeds");
            events.publish(&output.events).await.unwrap();
            assert_eq!(cfm_runtime_settle(worker.as_ref(), body).await, "Ack");
            moved_on(t, &task.task_token).await;
            assert_eq!(cfm_runtime_settle(&late, body).await, "Ack");
            delivered += 1;
            sqs.delete_message()
                .queue_url(queue)
                .receipt_handle(message.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    panic!("{execution} did not finish");
}

/// Waits until Step Functions has taken the answer for `token` (the local cloud takes it a
/// moment after it returns), so the next delivery is a late one.
async fn moved_on(t: &TestStack, token: &str) {
    for _ in 0..50 {
        if t.aws.sfn().send_task_heartbeat().task_token(token).send().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the task of {token} never moved on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_distribution_task_delivered_twice_makes_one_distribution_and_one_invalidation() {
    let t = TestStack::start(StackOptions { paused_workers: true, ..Default::default() }).await;
    let spec = json!({"name": "x", "bucketName": unique_bucket("twice-d"), "region": "us-east-1"});
    let accepted = t.accept(Method::POST, "/origins", Some(&spec)).await;
    deliver_twice(&t, "Origins", accepted["executionId"].as_str().unwrap()).await;
    let origin = accepted["resourceId"].as_str().unwrap();
    let (_, _, domain) = crate::distributions::origin_bucket(&t, origin).await;

    let accepted = t.accept(Method::POST, "/distributions", Some(&json!({"name": "d", "originId": origin}))).await;
    let delivered = deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await;
    assert!(delivered >= 6, "{delivered}");
    let id = accepted["resourceId"].as_str().unwrap();
    assert_eq!(crate::distributions::serving(&t, &domain).await.len(), 1, "one distribution");

    let body = json!({"paths": ["/index.html"]});
    let accepted = t.accept(Method::POST, &format!("/distributions/{id}/invalidate"), Some(&body)).await;
    deliver_twice(&t, "Distributions", accepted["executionId"].as_str().unwrap()).await;
    let cf_id = t.api.get(&format!("/distributions/{id}")).await.unwrap()["cloudfrontId"].as_str().unwrap().to_owned();
    let invalidations = t.aws.cloudfront().list_invalidations().distribution_id(&cf_id).send().await.unwrap();
    assert_eq!(invalidations.invalidation_list().unwrap().items().len(), 1, "one invalidation");
    let policy =
        t.aws.s3("us-east-1").get_bucket_policy().bucket(domain.split('.').next().unwrap()).send().await.unwrap();
    let policy: serde_json::Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 1, "one grant: {policy}");
    assert_eq!(t.api.get(&format!("/origins/{origin}")).await.unwrap()["distributions"], json!([id]));
}

async fn cfm_runtime_settle(worker: &impl cfm_runtime::MessageHandler, body: &str) -> &'static str {
    use cfm_runtime::Settle;
    match worker.handle(body).await {
        Settle::Ack => "Ack",
        Settle::Retry(_) => "Retry",
        Settle::DeadLetter(_) => "DeadLetter",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_message_goes_to_the_dlq() {
    let t = TestStack::default().await;
    let pair = &t.stack.resources().worker_queues[0];
    let sqs = t.aws.sqs();
    sqs.send_message().queue_url(&pair.url).message_body("{not a task").send().await.unwrap();
    let mut found = None;
    for _ in 0..20 {
        let got = sqs.receive_message().queue_url(&pair.dlq_url).wait_time_seconds(1).send().await.unwrap();
        if let Some(m) = got.messages().first() {
            found = m.body().map(str::to_owned);
            break;
        }
    }
    assert_eq!(found.as_deref(), Some("{not a task"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lambda_driver_reports_only_messages_to_retry() {
    use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
    use cfm_runtime::{Settler, lambda::handle_batch};
    use cfm_tasks::history::HistoryProjector;

    let t = TestStack::default().await;
    let pair = &t.stack.resources().history_queue;
    let event = |id: &str| {
        json!({"detail-type": "OriginDeleted", "detail": {"metadata": {"id": id, "resourceId": "org-x", "occurredAt": "2026-01-01T00:00:00Z"}, "data": {}}})
            .to_string()
    };
    let message = |id: &str, body: String| {
        let mut m = SqsMessage::default();
        m.message_id = Some(id.to_owned());
        m.body = Some(body);
        m
    };
    let mut batch = SqsEvent::default();
    batch.records = vec![
        message("good", event("e-1")),
        message("garbage", "{not json".into()),
        message("no-meta", json!({"detail-type": "X", "detail": {}}).to_string()),
    ];

    // A projector on this stack's table: good is written, the other two go to the DLQ.
    let settler = Settler::new(pair.queue(&t.aws));
    let projector = std::sync::Arc::new(HistoryProjector::new(t.ports().store));
    let response = handle_batch(projector, settler.clone(), batch.clone()).await;
    assert!(response.batch_item_failures.is_empty(), "{:?}", response.batch_item_failures);
    let mut dead = 0;
    for _ in 0..5 {
        dead += t
            .aws
            .sqs()
            .receive_message()
            .queue_url(&pair.dlq_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap()
            .messages()
            .len();
        if dead >= 2 {
            break;
        }
    }
    assert_eq!(dead, 2, "undecodable messages were dead-lettered");

    // A projector whose table is missing cannot write: only the good message is retried.
    let missing = std::sync::Arc::new(cfm_aws::store::DynamoTable::new(&t.aws, "no-such-table"));
    let broken = std::sync::Arc::new(HistoryProjector::new(missing));
    let response = handle_batch(broken, settler, batch).await;
    let ids: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    assert_eq!(ids, ["good"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provisioning_again_changes_nothing() {
    let t = TestStack::default().await;
    let first = t.stack.resources().clone();
    let again = cfm_localcloud::provision(&t.aws, &first.stack).await.expect("provisioning twice works");
    assert_eq!(again, first, "same queues, bus, table and state machines");
    // and the stack still works on the re-applied definitions
    let spec = json!({"name": "after", "bucketName": unique_bucket("reprov"), "region": "us-east-1"});
    let (_, view) = t.run(Method::POST, "/origins", Some(&spec)).await;
    assert_eq!(view["status"], "SUCCEEDED", "{view}");
}

/// A task that takes longer than the heartbeat interval.
struct Slow;

impl cfm_runtime::TaskHandler for Slow {
    async fn run(
        &self,
        _ctx: &cfm_events::TaskContext,
        _input: serde_json::Value,
    ) -> Result<cfm_runtime::TaskOutput, cfm_runtime::TaskFailure> {
        tokio::time::sleep(Duration::from_millis(2600)).await;
        Ok(cfm_runtime::TaskOutput::none())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_tasks_heartbeat_and_still_answer() {
    use cfm_runtime::{MessageHandler, Settle, TaskWorker};

    let t = TestStack::start(StackOptions { paused_workers: true, ..Default::default() }).await;
    let spec = json!({"name": "x", "bucketName": unique_bucket("beat"), "region": "us-east-1"});
    let accepted = t.accept(Method::POST, "/origins", Some(&spec)).await;
    let queue = &t.stack.resources().worker_queues.iter().find(|q| q.family == "Origins").unwrap().url;
    let sqs = t.aws.sqs();
    let message = loop {
        let got = sqs.receive_message().queue_url(queue).wait_time_seconds(1).send().await.unwrap();
        if let Some(m) = got.messages().first() {
            break m.clone();
        }
    };
    let counter = cfm_e2e::faults::CountOperation::new("SendTaskHeartbeat");
    let beats = counter.counter();
    let aws = t.aws.clone().with_interceptor(counter.shared());
    let worker = TaskWorker::new(
        Slow,
        std::sync::Arc::new(cfm_aws::sfn::StepFunctions::new(&aws)),
        t.stack.resources().ports(&aws).events,
        Duration::from_millis(500),
    );
    assert_eq!(worker.handle(message.body().unwrap()).await, Settle::Ack);
    assert!(
        beats.load(std::sync::atomic::Ordering::SeqCst) >= 3,
        "heartbeats sent: {}",
        beats.load(std::sync::atomic::Ordering::SeqCst)
    );
    // the answer got through: the execution moves on to the next task
    let path = format!("/executions/{}", accepted["executionId"].as_str().unwrap());
    let mut state = Value::Null;
    for _ in 0..50 {
        state = t.api.get(&path).await.unwrap()["currentState"].clone();
        if state == "CreateBucket" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(state, "CreateBucket");
}
