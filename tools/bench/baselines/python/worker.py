"""A minimal Python 3 + boto3 Lambda worker, the baseline cfm-worker is measured against
(tools/bench/startup.py compare): it builds the same seven clients cfm's worker builds
(DynamoDB, CloudFront, ACM, S3, EventBridge, SQS, Step Functions) and polls the Lambda Runtime
API the way a custom runtime does, answering each SQS batch with no failures."""
import json
import os
import urllib.request

import boto3

SESSION = boto3.session.Session()
CLIENTS = {name: SESSION.client(name) for name in
           ("dynamodb", "cloudfront", "acm", "s3", "events", "sqs", "stepfunctions")}
API = f"http://{os.environ['AWS_LAMBDA_RUNTIME_API']}/2018-06-01/runtime/invocation"

while True:
    with urllib.request.urlopen(f"{API}/next") as event:
        request_id = event.headers["Lambda-Runtime-Aws-Request-Id"]
        batch = json.loads(event.read())
    answer = json.dumps({"batchItemFailures": [], "records": len(batch.get("Records", []))}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{API}/{request_id}/response", data=answer, method="POST")).read()
