"""CloudFront distributions with several origins, read back as AWS returns them.

moto 5.2.5 differs from AWS here in ways cfm's multi-origin distributions depend on:

- A config read back has lost each origin's ``OriginAccessControlId`` and ``S3OriginConfig``;
  AWS returns both, and cfm keeps an S3 origin's OAC when it merges a change onto a live config.
- A default cache behaviour may target an origin *group* on AWS; moto refuses any target that
  is not an origin (``NoSuchOrigin``). A path behaviour's target moto does not check at all;
  AWS refuses one that is neither an origin nor a group.
- A distribution's ``LastModifiedTime`` never moves (a constant from 2021); AWS sets it at
  creation and on every config change, and cfm's reconcile reads a config again only when it
  moved.
"""

from datetime import datetime, timezone

from moto.cloudfront import models
from moto.cloudfront.exceptions import OriginDoesNotExist


def _keep_access(original):
    def __init__(self, origin):
        original(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""
        if "S3OriginConfig" in origin:
            self.s3_origin_config = {"OriginAccessIdentity": origin["S3OriginConfig"].get("OriginAccessIdentity") or ""}

    return __init__


def _group_targets(original):
    def __init__(self, config):
        groups = [g["Id"] for g in ((config.get("OriginGroups") or {}).get("Items") or [])]
        origins = [o["Id"] for o in config["Origins"]["Items"]]
        paths = (config.get("CacheBehaviors") or {}).get("Items") or []
        if any(b.get("TargetOriginId") not in origins + groups for b in paths):
            raise OriginDoesNotExist
        behaviour = config.get("DefaultCacheBehavior") or {}
        target = behaviour.get("TargetOriginId")
        if target in groups and origins:
            # moto checks the default target against origins only: check it against groups here.
            behaviour["TargetOriginId"] = origins[0]
            original(self, config)
            self.DefaultCacheBehavior.target_origin_id = target
            return
        if target is not None and target not in origins:
            raise OriginDoesNotExist
        original(self, config)

    return __init__


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _stamped(original):
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.last_modified_time = _now()

    return __init__


def _stamp_updates(original):
    def update_distribution(self, dist_config, _id, if_match):
        dist, location, etag = original(self, dist_config, _id, if_match)
        dist.last_modified_time = _now()
        return dist, location, etag

    return update_distribution


def apply() -> None:
    models.Distribution.__init__ = _stamped(models.Distribution.__init__)
    models.CloudFrontBackend.update_distribution = _stamp_updates(models.CloudFrontBackend.update_distribution)
    models.Origin.__init__ = _keep_access(models.Origin.__init__)
    models.DistributionConfig.__init__ = _group_targets(models.DistributionConfig.__init__)
