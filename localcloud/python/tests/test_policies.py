"""Cache policies and origin request policies (``cfm_moto.policies``) against the moto server
that ``test_cfm_moto`` sets up; each kind runs the same tests."""

import uuid
import unittest

from botocore.exceptions import ClientError

from test_cfm_moto import client, setUpModule, tearDownModule  # noqa: F401 (the module's server)


def names(prefix, count):
    return {"Quantity": count, "Items": [f"{prefix}{i}" for i in range(count)]}


def cache_policy_config(name, count=1, comment="cached"):
    return {
        "Name": name,
        "Comment": comment,
        "DefaultTTL": 86400,
        "MaxTTL": 31536000,
        "MinTTL": 1,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": True,
            "EnableAcceptEncodingBrotli": False,
            "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": names("x-header-", count)},
            "CookiesConfig": {"CookieBehavior": "allExcept", "Cookies": names("cookie", count)},
            "QueryStringsConfig": {"QueryStringBehavior": "whitelist", "QueryStrings": names("q", count)},
        },
    }


def origin_request_policy_config(name, count=1, comment="forwarded"):
    return {
        "Name": name,
        "Comment": comment,
        "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": names("x-header-", count)},
        "CookiesConfig": {"CookieBehavior": "whitelist", "Cookies": names("cookie", count)},
        "QueryStringsConfig": {"QueryStringBehavior": "all"},
    }


def distribution_config(reference, default=None, path=None):
    """A distribution with one origin; ``default`` and ``path`` are extra fields of its two behaviours."""
    custom = {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}
    behaviour = {"TargetOriginId": "org-a", "ViewerProtocolPolicy": "https-only"}
    return {
        "CallerReference": reference,
        "Comment": "policies",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "org-a", "DomainName": "api.example.com", "CustomOriginConfig": custom}]},
        "DefaultCacheBehavior": {**behaviour, **(default or {})},
        "CacheBehaviors": {"Quantity": 1, "Items": [{**behaviour, "PathPattern": "/api/*", **(path or {})}]},
    }


class PolicyTests:
    """The tests of one kind: ``shape`` names its operations, ``config`` makes a config."""

    shape: str
    config = staticmethod(lambda name, count=1, comment="": {})

    def setUp(self):
        self.cf = client("cloudfront")

    def call(self, operation, **params):
        """Calls an operation named for the kind: ``create_{}`` is ``create_cache_policy``,
        ``list_{plural}`` is ``list_cache_policies``."""
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in self.shape).lstrip("_")
        return getattr(self.cf, operation.format(snake, plural=f"{snake[:-1]}ies"))(**params)

    def create(self, count=1):
        name = f"{self.shape}-{uuid.uuid4().hex[:8]}"
        return name, self.call("create_{}", **{f"{self.shape}Config": self.config(name, count)})

    def assert_error(self, code, status, call, **params):
        with self.assertRaises(ClientError) as caught:
            self.call(call, **params)
        self.assertEqual(caught.exception.response["Error"]["Code"], code.format(self.shape))
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)

    def test_a_policy_reads_back_as_it_was_sent(self):
        for count in (1, 2):
            name, made = self.create(count)
            sent = self.config(name, count)
            self.assertEqual(made["ResponseMetadata"]["HTTPStatusCode"], 201)
            policy = made[self.shape]
            self.assertTrue(made["Location"].endswith(f"/{policy['Id']}"))
            self.assertEqual(policy[f"{self.shape}Config"], sent)
            got = self.call("get_{}", Id=policy["Id"])
            self.assertEqual((got["ETag"], got[self.shape]["Id"]), (made["ETag"], policy["Id"]))
            self.assertEqual(got[self.shape][f"{self.shape}Config"], sent)
            self.assertIn("LastModifiedTime", got[self.shape])
            config = self.call("get_{}_config", Id=policy["Id"])
            self.assertEqual((config["ETag"], config[f"{self.shape}Config"]), (made["ETag"], sent))

    def test_an_unknown_policy_is_not_found(self):
        self.assert_error("NoSuch{}", 404, "get_{}", Id="no-such-id")
        self.assert_error("NoSuch{}", 404, "get_{}_config", Id="no-such-id")

    def test_a_name_is_unique(self):
        name, _ = self.create()
        self.assert_error("{}AlreadyExists", 409, "create_{}", **{f"{self.shape}Config": self.config(name)})

    def test_an_update_needs_the_current_etag(self):
        name, made = self.create()
        policy_id, etag = made[self.shape]["Id"], made["ETag"]
        changed = {f"{self.shape}Config": self.config(name, 2, comment="changed")}
        self.assert_error("InvalidIfMatchVersion", 400, "update_{}", Id=policy_id, **changed)
        self.assert_error("PreconditionFailed", 412, "update_{}", Id=policy_id, IfMatch="ESTALE", **changed)
        updated = self.call("update_{}", Id=policy_id, IfMatch=etag, **changed)
        self.assertNotEqual(updated["ETag"], etag)
        self.assertEqual(updated[self.shape][f"{self.shape}Config"], changed[f"{self.shape}Config"])
        config = self.call("get_{}_config", Id=policy_id)
        self.assertEqual((config["ETag"], config[f"{self.shape}Config"]["Comment"]), (updated["ETag"], "changed"))
        self.assert_error("PreconditionFailed", 412, "update_{}", Id=policy_id, IfMatch=etag, **changed)
        other, _ = self.create()
        taken = {f"{self.shape}Config": self.config(other)}
        self.assert_error("{}AlreadyExists", 409, "update_{}", Id=policy_id, IfMatch=updated["ETag"], **taken)
        self.assert_error("NoSuch{}", 404, "update_{}", Id="no-such-id", IfMatch=etag, **changed)

    def test_a_policy_a_behaviour_uses_is_not_deleted(self):
        _, made = self.create()
        policy_id, etag = made[self.shape]["Id"], made["ETag"]
        uses = {f"{self.shape}Id": policy_id}
        for where in ({"default": uses}, {"path": uses}):
            reference = f"{self.shape}-{uuid.uuid4().hex[:8]}"
            dist = self.cf.create_distribution(DistributionConfig=distribution_config(reference, **where))
            self.assert_error("{}InUse", 409, "delete_{}", Id=policy_id, IfMatch=etag)
            self.cf.delete_distribution(Id=dist["Distribution"]["Id"], IfMatch=dist["ETag"])
        self.assert_error("InvalidIfMatchVersion", 400, "delete_{}", Id=policy_id)
        self.assert_error("PreconditionFailed", 412, "delete_{}", Id=policy_id, IfMatch="ESTALE")
        deleted = self.call("delete_{}", Id=policy_id, IfMatch=etag)
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assert_error("NoSuch{}", 404, "get_{}", Id=policy_id)
        self.assert_error("NoSuch{}", 404, "delete_{}", Id=policy_id, IfMatch=etag)

    def test_the_custom_policies_are_listed(self):
        made = {self.create()[1][self.shape]["Id"] for _ in range(2)}
        for params in ({"Type": "custom"}, {}):
            listed = self.call("list_{plural}", **params)[f"{self.shape}List"]
            summaries = {s[self.shape]["Id"]: s for s in listed["Items"]}
            self.assertLessEqual(made, summaries.keys())
            self.assertEqual(listed["Quantity"], len(listed["Items"]))
            self.assertEqual({s["Type"] for s in summaries.values()}, {"custom"})
        self.assertEqual(self.call("list_{plural}", Type="managed")[f"{self.shape}List"]["Quantity"], 0)
        page = self.call("list_{plural}", MaxItems="1")[f"{self.shape}List"]
        self.assertEqual((page["Quantity"], page["MaxItems"]), (1, 1))
        rest = self.call("list_{plural}", Marker=page["NextMarker"])[f"{self.shape}List"]
        self.assertNotIn(page["Items"][0][self.shape]["Id"], {s[self.shape]["Id"] for s in rest["Items"]})

    def test_a_behaviour_keeps_its_policy_when_read_back(self):
        field = f"{self.shape}Id"
        config = distribution_config(f"{self.shape}-{uuid.uuid4().hex[:8]}", {field: "p-default"}, {field: "p-path"})
        made = self.cf.create_distribution(DistributionConfig=config)["Distribution"]
        read = self.cf.get_distribution_config(Id=made["Id"])["DistributionConfig"]
        self.assertEqual(read["DefaultCacheBehavior"][field], "p-default")
        self.assertEqual(read["CacheBehaviors"]["Items"][0][field], "p-path")


class CachePolicies(PolicyTests, unittest.TestCase):
    shape = "CachePolicy"
    config = staticmethod(cache_policy_config)


class OriginRequestPolicies(PolicyTests, unittest.TestCase):
    shape = "OriginRequestPolicy"
    config = staticmethod(origin_request_policy_config)


if __name__ == "__main__":
    unittest.main()
