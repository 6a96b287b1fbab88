"""S3 ``CreateBucket`` with tags.

AWS applies ``CreateBucketConfiguration/Tags`` atomically with the bucket; moto ignores them.
cfm tags every origin bucket at creation, so "this bucket was made for this origin" is never in
doubt, not even after a crash between creating and tagging.
"""

import xmltodict
from moto.s3.responses import S3Response


def _tags(body):
    try:
        config = xmltodict.parse(body)["CreateBucketConfiguration"] or {}
    except Exception:  # no body, or not a create configuration
        return {}
    tags = (config.get("Tags") or {}).get("Tag") or []
    if isinstance(tags, dict):
        tags = [tags]
    return {t["Key"]: t.get("Value") or "" for t in tags}


def _create_with_tags(original):
    def bucket_response_put(self, request, bucket_name, querystring):
        is_create = not querystring
        existed = is_create and bucket_name in self.backend.buckets
        result = original(self, request, bucket_name, querystring)
        if is_create and not existed and bucket_name in self.backend.buckets:
            tags = _tags(self.body)
            if tags:
                self.backend.put_bucket_tagging(bucket_name, tags)
        return result

    return bucket_response_put


def apply() -> None:
    S3Response._bucket_response_put = _create_with_tags(S3Response._bucket_response_put)
