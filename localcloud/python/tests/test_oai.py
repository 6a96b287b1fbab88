"""Origin access identities (``cfm_moto.oai``) against the moto server that ``test_cfm_moto``
sets up."""

import unittest
import uuid

from botocore.exceptions import ClientError

from test_cfm_moto import client, setUpModule, tearDownModule  # noqa: F401 (the module's server)

IDENTITY = "CloudFrontOriginAccessIdentity"
CONFIG = "CloudFrontOriginAccessIdentityConfig"


def s3_distribution_config(reference, identity=""):
    """A distribution with one S3 origin whose ``S3OriginConfig`` names ``identity`` (or none)."""
    origin = {
        "Id": "bucket",
        "DomainName": "bucket.s3.us-east-1.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": identity},
    }
    return {
        "CallerReference": reference,
        "Comment": "oai",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {"TargetOriginId": "bucket", "ViewerProtocolPolicy": "https-only"},
    }


class OriginAccessIdentities(unittest.TestCase):
    def setUp(self):
        self.cf = client("cloudfront")

    def create(self, comment="cfm", reference=None):
        config = {"CallerReference": reference or uuid.uuid4().hex, "Comment": comment}
        return self.cf.create_cloud_front_origin_access_identity(**{CONFIG: config})

    def assert_error(self, code, status, call, **params):
        with self.assertRaises(ClientError) as caught:
            getattr(self.cf, call)(**params)
        self.assertEqual(caught.exception.response["Error"]["Code"], code)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)

    def test_an_identity_is_created_with_its_ids_and_location(self):
        made = self.create(comment="made")
        identity = made[IDENTITY]
        self.assertEqual(made["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertRegex(identity["Id"], r"^E[A-Z0-9]{13}$")
        self.assertRegex(identity["S3CanonicalUserId"], r"^[0-9a-f]{64}$")
        self.assertEqual(identity[CONFIG]["Comment"], "made")
        self.assertTrue(made["Location"].endswith(f"/2020-05-31/origin-access-identity/cloudfront/{identity['Id']}"))
        self.assertTrue(made["ETag"])

    def test_a_repeated_caller_reference_answers_the_same_identity(self):
        reference = uuid.uuid4().hex
        first = self.create(comment="same", reference=reference)
        again = self.create(comment="same", reference=reference)
        self.assertEqual(again[IDENTITY], first[IDENTITY])
        self.assertEqual(again["ETag"], first["ETag"])

    def test_a_caller_reference_with_another_config_is_refused(self):
        reference = uuid.uuid4().hex
        self.create(comment="first", reference=reference)
        config = {"CallerReference": reference, "Comment": "second"}
        self.assert_error(f"{IDENTITY}AlreadyExists", 409, "create_cloud_front_origin_access_identity", **{CONFIG: config})

    def test_an_identity_reads_back_whole_and_as_its_config(self):
        made = self.create(comment="read")
        identity_id = made[IDENTITY]["Id"]
        got = self.cf.get_cloud_front_origin_access_identity(Id=identity_id)
        self.assertEqual((got["ETag"], got[IDENTITY]), (made["ETag"], made[IDENTITY]))
        config = self.cf.get_cloud_front_origin_access_identity_config(Id=identity_id)
        self.assertEqual((config["ETag"], config[CONFIG]), (made["ETag"], made[IDENTITY][CONFIG]))

    def test_an_unknown_identity_is_not_found(self):
        for call in ("get_cloud_front_origin_access_identity", "get_cloud_front_origin_access_identity_config"):
            self.assert_error(f"NoSuch{IDENTITY}", 404, call, Id="ENOSUCHIDENTITY")

    def test_identities_are_listed_a_page_at_a_time(self):
        made = [self.create()[IDENTITY]["Id"] for _ in range(3)]
        seen, marker = [], ""
        while True:
            page = self.cf.list_cloud_front_origin_access_identities(Marker=marker, MaxItems="1")
            listed = page["CloudFrontOriginAccessIdentityList"]
            self.assertEqual((listed["Quantity"], listed["MaxItems"], listed["Marker"]), (1, 1, marker))
            seen.append(listed["Items"][0]["Id"])
            if not listed["IsTruncated"]:
                self.assertNotIn("NextMarker", listed)
                break
            marker = listed["NextMarker"]
        self.assertLessEqual(set(made), set(seen))
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(set(listed["Items"][0]), {"Id", "S3CanonicalUserId", "Comment"})

    def test_an_update_needs_the_current_etag(self):
        made = self.create(comment="before")
        identity_id, etag = made[IDENTITY]["Id"], made["ETag"]
        changed = {CONFIG: {**made[IDENTITY][CONFIG], "Comment": "after"}}
        update = "update_cloud_front_origin_access_identity"
        self.assert_error("InvalidIfMatchVersion", 400, update, Id=identity_id, **changed)
        self.assert_error("PreconditionFailed", 412, update, Id=identity_id, IfMatch="ESTALE", **changed)
        updated = self.cf.update_cloud_front_origin_access_identity(Id=identity_id, IfMatch=etag, **changed)
        self.assertNotEqual(updated["ETag"], etag)
        self.assertEqual(updated[IDENTITY][CONFIG]["Comment"], "after")
        config = self.cf.get_cloud_front_origin_access_identity_config(Id=identity_id)
        self.assertEqual((config["ETag"], config[CONFIG]["Comment"]), (updated["ETag"], "after"))
        self.assert_error("PreconditionFailed", 412, update, Id=identity_id, IfMatch=etag, **changed)
        self.assert_error(f"NoSuch{IDENTITY}", 404, update, Id="ENOSUCHIDENTITY", IfMatch=etag, **changed)
        moved = {CONFIG: {**changed[CONFIG], "CallerReference": uuid.uuid4().hex}}
        self.assert_error("IllegalUpdate", 400, update, Id=identity_id, IfMatch=updated["ETag"], **moved)

    def test_a_distribution_keeps_the_identity_its_s3_origin_names(self):
        named = f"origin-access-identity/cloudfront/{self.create()[IDENTITY]['Id']}"
        made = self.cf.create_distribution(DistributionConfig=s3_distribution_config(uuid.uuid4().hex, named))
        config = self.cf.get_distribution_config(Id=made["Distribution"]["Id"])["DistributionConfig"]
        self.assertEqual(config["Origins"]["Items"][0]["S3OriginConfig"]["OriginAccessIdentity"], named)

    def test_an_identity_a_distribution_uses_is_not_deleted(self):
        made = self.create()
        identity_id, etag = made[IDENTITY]["Id"], made["ETag"]
        config = s3_distribution_config(uuid.uuid4().hex, f"origin-access-identity/cloudfront/{identity_id}")
        dist = self.cf.create_distribution(DistributionConfig=config)
        delete = "delete_cloud_front_origin_access_identity"
        self.assert_error(f"{IDENTITY}InUse", 409, delete, Id=identity_id, IfMatch=etag)
        config = self.cf.get_distribution_config(Id=dist["Distribution"]["Id"])
        unused = s3_distribution_config(config["DistributionConfig"]["CallerReference"])
        self.cf.update_distribution(Id=dist["Distribution"]["Id"], IfMatch=config["ETag"], DistributionConfig=unused)
        self.assert_error("InvalidIfMatchVersion", 400, delete, Id=identity_id)
        self.assert_error("PreconditionFailed", 412, delete, Id=identity_id, IfMatch="ESTALE")
        deleted = self.cf.delete_cloud_front_origin_access_identity(Id=identity_id, IfMatch=etag)
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assert_error(f"NoSuch{IDENTITY}", 404, "get_cloud_front_origin_access_identity", Id=identity_id)
        self.assert_error(f"NoSuch{IDENTITY}", 404, delete, Id=identity_id, IfMatch=etag)


if __name__ == "__main__":
    unittest.main()
