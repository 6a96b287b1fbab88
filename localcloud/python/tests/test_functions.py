"""CloudFront Functions and the behaviours' associations (``cfm_moto.functions``) against the moto
server that ``test_cfm_moto`` sets up."""

import unittest
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import test_cfm_moto
from test_cfm_moto import client, setUpModule, tearDownModule  # noqa: F401 (the module's server)
from test_policies import distribution_config

ACCOUNT = "123456789012"
CONFIG = {"Comment": "routing", "Runtime": "cloudfront-js-2.0"}
FIRST = b"function handler(event) { return event.request; }"
SECOND = b"function handler(event) { var r = event.request; return r; }"


def lambda_arn(version):
    return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:edge:{version}"


class Functions(unittest.TestCase):
    def setUp(self):
        self.cf = client("cloudfront")

    def create(self):
        name = f"fn-{uuid.uuid4().hex[:8]}"
        made = self.cf.create_function(Name=name, FunctionConfig=CONFIG, FunctionCode=FIRST)
        return name, made

    def code(self, name, stage):
        return self.cf.get_function(Name=name, Stage=stage)["FunctionCode"].read()

    def assert_error(self, code, status, call, **params):
        with self.assertRaises(ClientError) as caught:
            call(**params)
        self.assertEqual(caught.exception.response["Error"]["Code"], code)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)

    def test_a_function_is_updated_in_development_and_published_to_live(self):
        name, made = self.create()
        etag = made["ETag"]
        self.assertEqual(made["FunctionSummary"]["FunctionMetadata"]["Stage"], "DEVELOPMENT")
        self.assertEqual(made["FunctionSummary"]["Status"], "UNPUBLISHED")
        described = self.cf.describe_function(Name=name, Stage="DEVELOPMENT")
        self.assertEqual(described["ETag"], etag)
        self.assert_error("NoSuchFunctionExists", 404, self.cf.describe_function, Name=name, Stage="LIVE")
        self.assert_error("NoSuchFunctionExists", 404, self.cf.get_function, Name=name, Stage="LIVE")

        changed = {"Name": name, "FunctionConfig": {**CONFIG, "Comment": "changed"}, "FunctionCode": SECOND}
        self.assert_error("InvalidIfMatchVersion", 400, unvalidated().update_function, **changed)
        self.assert_error("PreconditionFailed", 412, self.cf.update_function, IfMatch="ESTALE", **changed)
        unknown = {**changed, "Name": "no-such-function"}
        self.assert_error("NoSuchFunctionExists", 404, self.cf.update_function, IfMatch=etag, **unknown)
        updated = self.cf.update_function(IfMatch=etag, **changed)
        self.assertNotIn(updated["ETag"], ("", etag))
        summary = updated["FunctionSummary"]
        self.assertEqual((summary["Name"], summary["FunctionConfig"]["Comment"]), (name, "changed"))
        self.assertEqual(summary["FunctionMetadata"]["Stage"], "DEVELOPMENT")
        got = self.cf.get_function(Name=name)
        self.assertEqual((got["ETag"], got["FunctionCode"].read()), (updated["ETag"], SECOND))
        self.assert_error("PreconditionFailed", 412, self.cf.update_function, IfMatch=etag, **changed)

        self.assert_error("InvalidIfMatchVersion", 400, unvalidated().publish_function, Name=name)
        self.assert_error("PreconditionFailed", 412, self.cf.publish_function, Name=name, IfMatch=etag)
        self.assert_error("NoSuchFunctionExists", 404, self.cf.publish_function, Name="no-such-function", IfMatch=etag)
        published = self.cf.publish_function(Name=name, IfMatch=updated["ETag"])["FunctionSummary"]
        self.assertEqual((published["FunctionMetadata"]["Stage"], published["Status"]), ("LIVE", "UNASSOCIATED"))
        live = self.cf.describe_function(Name=name, Stage="LIVE")
        metadata = live["FunctionSummary"]["FunctionMetadata"]
        self.assertEqual(metadata["Stage"], "LIVE")
        self.assertEqual(metadata["FunctionARN"], f"arn:aws:cloudfront::{ACCOUNT}:function/{name}")
        self.assertLessEqual(metadata["CreatedTime"], metadata["LastModifiedTime"])
        self.assertEqual(live["FunctionSummary"]["FunctionConfig"]["Comment"], "changed")
        self.assertNotEqual(live["ETag"], updated["ETag"])
        development = self.cf.describe_function(Name=name)
        self.assertEqual(development["ETag"], updated["ETag"], "DEVELOPMENT keeps its ETag")
        self.assertEqual(self.code(name, "LIVE"), SECOND)

        again = self.cf.update_function(IfMatch=updated["ETag"], **{**changed, "FunctionCode": FIRST})
        self.assertEqual(self.code(name, "LIVE"), SECOND, "LIVE keeps its code until published")
        self.assertEqual(self.code(name, "DEVELOPMENT"), FIRST)
        self.cf.publish_function(Name=name, IfMatch=again["ETag"])
        self.assertEqual(self.code(name, "LIVE"), FIRST)

    def test_a_function_a_behaviour_uses_is_not_deleted(self):
        name, made = self.create()
        etag = made["ETag"]
        arn = self.cf.publish_function(Name=name, IfMatch=etag)["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
        uses = {"FunctionAssociations": {"Quantity": 1, "Items": [{"FunctionARN": arn, "EventType": "viewer-request"}]}}
        for where in ({"default": uses}, {"path": uses}):
            config = distribution_config(f"fn-{uuid.uuid4().hex[:8]}", **where)
            dist = self.cf.create_distribution(DistributionConfig=config)
            dist_id = dist["Distribution"]["Id"]
            self.assert_error("FunctionInUse", 409, self.cf.delete_function, Name=name, IfMatch=etag)
            config = distribution_config(config["CallerReference"])
            self.cf.update_distribution(Id=dist_id, IfMatch=dist["ETag"], DistributionConfig=config)
        self.assert_error("InvalidIfMatchVersion", 400, unvalidated().delete_function, Name=name)
        self.assert_error("PreconditionFailed", 412, self.cf.delete_function, Name=name, IfMatch="ESTALE")
        deleted = self.cf.delete_function(Name=name, IfMatch=etag)
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assert_error("NoSuchFunctionExists", 404, self.cf.describe_function, Name=name)
        self.assert_error("NoSuchFunctionExists", 404, self.cf.describe_function, Name=name, Stage="LIVE")
        self.assert_error("NoSuchFunctionExists", 404, self.cf.delete_function, Name=name, IfMatch=etag)

    def test_the_behaviours_keep_their_associations(self):
        function = f"arn:aws:cloudfront::{ACCOUNT}:function/router"
        viewer = {"FunctionARN": function, "EventType": "viewer-request"}
        edge = {"LambdaFunctionARN": lambda_arn(1), "EventType": "origin-request", "IncludeBody": False}
        config = distribution_config(
            f"fn-{uuid.uuid4().hex[:8]}",
            {"FunctionAssociations": {"Quantity": 1, "Items": [viewer]}},
            {"LambdaFunctionAssociations": {"Quantity": 1, "Items": [edge]}},
        )
        made = self.cf.create_distribution(DistributionConfig=config)
        dist_id = made["Distribution"]["Id"]
        self.assert_associations(made["Distribution"]["DistributionConfig"], [viewer], [], [], [edge])
        got = self.cf.get_distribution(Id=dist_id)["Distribution"]
        self.assert_associations(got["DistributionConfig"], [viewer], [], [], [edge])
        read = self.cf.get_distribution_config(Id=dist_id)
        self.assert_associations(read["DistributionConfig"], [viewer], [], [], [edge])

        responder = {"FunctionARN": function, "EventType": "viewer-response"}
        bodied = {"LambdaFunctionARN": lambda_arn(2), "EventType": "viewer-request", "IncludeBody": True}
        config["DefaultCacheBehavior"]["FunctionAssociations"] = {"Quantity": 2, "Items": [viewer, responder]}
        config["DefaultCacheBehavior"]["LambdaFunctionAssociations"] = {"Quantity": 1, "Items": [bodied]}
        config["CacheBehaviors"]["Items"][0]["FunctionAssociations"] = {"Quantity": 1, "Items": [responder]}
        config["CacheBehaviors"]["Items"][0]["LambdaFunctionAssociations"] = {"Quantity": 2, "Items": [edge, bodied]}
        updated = self.cf.update_distribution(Id=dist_id, IfMatch=read["ETag"], DistributionConfig=config)
        expected = ([viewer, responder], [bodied], [responder], [edge, bodied])
        self.assert_associations(updated["Distribution"]["DistributionConfig"], *expected)
        self.assert_associations(self.cf.get_distribution_config(Id=dist_id)["DistributionConfig"], *expected)

    def assert_associations(self, config, default_functions, default_lambdas, path_functions, path_lambdas):
        path = config["CacheBehaviors"]["Items"][0]
        for behaviour, functions, lambdas in (
            (config["DefaultCacheBehavior"], default_functions, default_lambdas),
            (path, path_functions, path_lambdas),
        ):
            for field, items in (("FunctionAssociations", functions), ("LambdaFunctionAssociations", lambdas)):
                kept = behaviour[field]
                self.assertEqual((kept["Quantity"], kept.get("Items", [])), (len(items), items), field)


def unvalidated():
    """A client that sends a request without its required If-Match, as a hand-made request can."""
    return boto3.client(
        "cloudfront",
        endpoint_url=test_cfm_moto.ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(parameter_validation=False),
    )


if __name__ == "__main__":
    unittest.main()
