"""The extension against a real moto server in this process: each test shows the AWS
behaviour a patch restores. Run: ``.cfm/venv/bin/python -m unittest discover -s localcloud/python/tests``
(``cargo xtask test`` does)."""

import json
import logging
import os
import sys
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import cfm_moto  # noqa: E402

cfm_moto.apply()

import boto3  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

SERVER = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)


def setUpModule():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    SERVER.start()
    host, port = SERVER.get_host_and_port()
    global ENDPOINT
    ENDPOINT = f"http://{host}:{port}"
    os.environ["MOTO_PORT"] = str(port)
    body = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/config", data=body, method="POST"))


def tearDownModule():
    SERVER.stop()


def client(service, region="us-east-1"):
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def callback_machine(sfn, sqs, name, retry=None):
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token"}},
        "TimeoutSeconds": 60,
        "HeartbeatSeconds": 30,
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Wait"}],
        "Next": "Wait",
    }
    if retry:
        task["Retry"] = retry
    definition = {
        "StartAt": "Work",
        "States": {"Work": task, "Wait": {"Type": "Wait", "Seconds": 30, "End": True}},
    }
    arn = sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/r"
    )["stateMachineArn"]
    return arn, queue


def next_token(sqs, queue):
    for _ in range(50):
        messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", [])
        if messages:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=messages[0]["ReceiptHandle"])
            return json.loads(messages[0]["Body"])["token"]
    raise AssertionError("no task message")


def history(sfn, execution):
    return sfn.get_execution_history(executionArn=execution)["events"]


class TaskTokens(unittest.TestCase):
    def test_a_failure_keeps_its_cause(self):
        sfn, sqs = client("stepfunctions"), client("sqs")
        arn, queue = callback_machine(sfn, sqs, "cause")
        execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        sfn.send_task_failure(taskToken=next_token(sqs, queue), error="cfm.Internal", cause="the reason")
        for _ in range(50):
            failed = [e for e in history(sfn, execution) if e["type"] == "TaskFailed"]
            if failed:
                self.assertEqual(failed[0]["taskFailedEventDetails"]["cause"], "the reason")
                return
            time.sleep(0.1)
        self.fail("the task did not fail")

    def test_an_answered_token_is_closed(self):
        sfn, sqs = client("stepfunctions"), client("sqs")
        arn, queue = callback_machine(sfn, sqs, "closed")
        sfn.start_execution(stateMachineArn=arn)
        token = next_token(sqs, queue)
        sfn.send_task_heartbeat(taskToken=token)  # live: accepted
        sfn.send_task_success(taskToken=token, output="{}")
        time.sleep(0.5)  # the execution moves on to its Wait state and keeps running
        for call in (
            lambda: sfn.send_task_heartbeat(taskToken=token),
            lambda: sfn.send_task_success(taskToken=token, output="{}"),
            lambda: sfn.send_task_failure(taskToken=token, error="x"),
        ):
            with self.assertRaises(ClientError) as caught:
                call()
            self.assertEqual(caught.exception.response["Error"]["Code"], "TaskTimedOut")

    def test_a_retried_task_closes_the_old_token(self):
        sfn, sqs = client("stepfunctions"), client("sqs")
        retry = [{"ErrorEquals": ["cfm.Transient"], "IntervalSeconds": 1, "MaxAttempts": 2}]
        arn, queue = callback_machine(sfn, sqs, "retried", retry)
        sfn.start_execution(stateMachineArn=arn)
        first = next_token(sqs, queue)
        sfn.send_task_failure(taskToken=first, error="cfm.Transient", cause="try again")
        second = next_token(sqs, queue)
        self.assertNotEqual(first, second)
        sfn.send_task_heartbeat(taskToken=second)
        with self.assertRaises(ClientError) as caught:
            sfn.send_task_heartbeat(taskToken=first)
        self.assertEqual(caught.exception.response["Error"]["Code"], "TaskTimedOut")


    def test_a_heartbeat_before_the_wait_starts_is_accepted(self):
        # moto sends the task message, then sets up its heartbeat wait; a heartbeat in between
        # must not be refused as if the task had ended.
        from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackPoolManager

        pool = CallbackPoolManager(activity_store={})
        endpoint = pool.add("fresh-token")
        self.assertTrue(pool.heartbeat("fresh-token"), "a just-sent task's token is live")
        endpoint.setup_heartbeat_endpoint(heartbeat_seconds=30)
        self.assertTrue(pool.heartbeat("fresh-token"))
        endpoint.interrupt_all()
        with self.assertRaises(Exception) as caught:
            pool.heartbeat("fresh-token")
        self.assertEqual(type(caught.exception).__name__, "TaskTimedOut")


class Buckets(unittest.TestCase):
    def test_tags_given_at_creation_are_applied(self):
        for region in ("us-east-1", "eu-west-1"):
            s3 = client("s3", region)
            config = {"Tags": [{"Key": "cfm:origin-id", "Value": "org-1"}]}
            if region != "us-east-1":
                config["LocationConstraint"] = region
            name = f"tagged-{region}"
            s3.create_bucket(Bucket=name, CreateBucketConfiguration=config)
            tags = s3.get_bucket_tagging(Bucket=name)["TagSet"]
            self.assertEqual(tags, [{"Key": "cfm:origin-id", "Value": "org-1"}])

    def test_creating_an_existing_bucket_does_not_retag_it(self):
        s3 = client("s3")
        s3.create_bucket(Bucket="theirs")
        # us-east-1 answers 200 to re-creating your own bucket, as AWS does; the tags stay off.
        s3.create_bucket(
            Bucket="theirs", CreateBucketConfiguration={"Tags": [{"Key": "cfm:origin-id", "Value": "org-2"}]}
        )
        with self.assertRaises(ClientError) as caught:
            s3.get_bucket_tagging(Bucket="theirs")
        self.assertEqual(caught.exception.response["Error"]["Code"], "NoSuchTagSet")


if __name__ == "__main__":
    unittest.main()


def multi_origin_config(reference, default_target="failover"):
    s3 = {"OriginAccessIdentity": ""}
    custom = {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}
    members = [{"OriginId": "org-a"}, {"OriginId": "org-b"}]
    return {
        "CallerReference": reference,
        "Comment": "multi",
        "Enabled": True,
        "Origins": {"Quantity": 3, "Items": [
            {"Id": "org-a", "DomainName": "a.s3.eu-west-1.amazonaws.com", "OriginAccessControlId": "EOACA",
             "S3OriginConfig": s3},
            {"Id": "org-b", "DomainName": "b.s3.us-west-2.amazonaws.com", "OriginAccessControlId": "EOACB",
             "S3OriginConfig": s3},
            {"Id": "org-c", "DomainName": "api.example.com", "CustomOriginConfig": custom},
        ]},
        "OriginGroups": {"Quantity": 1, "Items": [{
            "Id": "failover",
            "FailoverCriteria": {"StatusCodes": {"Quantity": 1, "Items": [503]}},
            "Members": {"Quantity": 2, "Items": members},
        }]},
        "DefaultCacheBehavior": {"TargetOriginId": default_target, "ViewerProtocolPolicy": "https-only"},
    }


class Distributions(unittest.TestCase):
    def test_origins_keep_their_oac_and_s3_config_when_read_back(self):
        cf = client("cloudfront")
        made = cf.create_distribution(DistributionConfig=multi_origin_config("oac"))["Distribution"]
        origins = cf.get_distribution_config(Id=made["Id"])["DistributionConfig"]["Origins"]["Items"]
        self.assertEqual([o.get("OriginAccessControlId") for o in origins], ["EOACA", "EOACB", ""])
        self.assertIn("S3OriginConfig", origins[0])
        self.assertNotIn("S3OriginConfig", origins[2])
        self.assertEqual(origins[2]["CustomOriginConfig"]["OriginProtocolPolicy"], "https-only")

    def test_the_default_behaviour_may_target_an_origin_group(self):
        cf = client("cloudfront")
        made = cf.create_distribution(DistributionConfig=multi_origin_config("group"))["Distribution"]
        config = cf.get_distribution_config(Id=made["Id"])["DistributionConfig"]
        self.assertEqual(config["DefaultCacheBehavior"]["TargetOriginId"], "failover")
        self.assertEqual(config["OriginGroups"]["Items"][0]["Members"]["Quantity"], 2)

    def test_a_config_change_moves_the_last_modified_time(self):
        cf = client("cloudfront")
        made = cf.create_distribution(DistributionConfig=multi_origin_config("stamped"))["Distribution"]
        got = cf.get_distribution_config(Id=made["Id"])
        config, etag = got["DistributionConfig"], got["ETag"]
        config["Comment"] = "changed"
        cf.update_distribution(Id=made["Id"], DistributionConfig=config, IfMatch=etag)
        listed = [d for d in cf.list_distributions()["DistributionList"]["Items"] if d["Id"] == made["Id"]]
        self.assertGreater(listed[0]["LastModifiedTime"], made["LastModifiedTime"])
        self.assertGreater(made["LastModifiedTime"].year, 2021, "set at creation")

    def test_a_target_that_is_neither_origin_nor_group_is_refused(self):
        cf = client("cloudfront")
        with self.assertRaises(ClientError) as caught:
            cf.create_distribution(DistributionConfig=multi_origin_config("nowhere", default_target="nowhere"))
        self.assertEqual(caught.exception.response["Error"]["Code"], "NoSuchOrigin")
        config = multi_origin_config("path-nowhere")
        path = {"PathPattern": "/x/*", "TargetOriginId": "nowhere", "ViewerProtocolPolicy": "https-only"}
        config["CacheBehaviors"] = {"Quantity": 1, "Items": [path]}
        with self.assertRaises(ClientError) as caught:
            cf.create_distribution(DistributionConfig=config)
        self.assertEqual(caught.exception.response["Error"]["Code"], "NoSuchOrigin")
