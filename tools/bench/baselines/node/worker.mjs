// A minimal Node.js + AWS SDK v3 Lambda worker, the baseline cfm-worker is measured against
// (tools/bench/startup.py compare): it builds the same seven clients cfm's worker builds
// (DynamoDB, CloudFront, ACM, S3, EventBridge, SQS, Step Functions) and polls the Lambda Runtime
// API the way a custom runtime does, answering each SQS batch with no failures.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { ACMClient } from '@aws-sdk/client-acm';
import { S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SFNClient } from '@aws-sdk/client-sfn';

const clients = [DynamoDBClient, CloudFrontClient, ACMClient, S3Client, EventBridgeClient, SQSClient, SFNClient].map((C) => new C({}));
const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation`;

for (;;) {
  const event = await fetch(`${api}/next`);
  const requestId = event.headers.get('lambda-runtime-aws-request-id');
  const batch = await event.json();
  const answer = { batchItemFailures: [], records: (batch.Records ?? []).length, clients: clients.length };
  await fetch(`${api}/${requestId}/response`, { method: 'POST', body: JSON.stringify(answer) });
}
