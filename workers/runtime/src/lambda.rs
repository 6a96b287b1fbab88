//! The AWS Lambda driver: an SQS event source mapping invokes it with a batch; failed messages
//! are reported individually (the mapping needs `ReportBatchItemFailures`).

use std::sync::Arc;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{Error, LambdaEvent, service_fn};

use crate::{MessageHandler, Settle, Settler};

/// Serves Lambda invocations until the runtime stops.
pub async fn run<H: MessageHandler>(handler: Arc<H>, settler: Settler) -> Result<(), Error> {
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let (handler, settler) = (handler.clone(), settler.clone());
        async move { Ok::<_, Error>(handle_batch(handler, settler, event.payload).await) }
    }))
    .await
}

/// Handles a batch concurrently and lists the messages SQS should deliver again (including any
/// whose handler panicked).
pub async fn handle_batch<H: MessageHandler>(handler: Arc<H>, settler: Settler, event: SqsEvent) -> SqsBatchResponse {
    let running: Vec<_> = event
        .records
        .into_iter()
        .map(|record| {
            let (handler, settler) = (handler.clone(), settler.clone());
            let id = record.message_id.unwrap_or_default();
            let body = record.body.unwrap_or_default();
            let task = tokio::spawn(async move {
                match handler.handle(&body).await {
                    Settle::Ack => false,
                    Settle::Retry(_) => true,
                    Settle::DeadLetter(reason) => settler.dead_letter(&body, &reason).await.is_err(),
                }
            });
            (id, task)
        })
        .collect();
    let mut response = SqsBatchResponse::default();
    for (id, task) in running {
        if task.await.unwrap_or(true) {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}
