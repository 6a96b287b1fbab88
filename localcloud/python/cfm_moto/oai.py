"""CloudFront origin access identities (OAIs), kept as AWS keeps them.

moto 5.2.5 has origin access *controls* but no API for the identities that came before them; a
request under ``/2020-05-31/origin-access-identity/cloudfront`` is answered 404 with no error
code. AWS keeps an account's identities by id (``E`` and 13 letters or digits, with a 64-hex-digit
S3 canonical user id) and:

- creates one (201, ``Location`` and ``ETag``); a ``CallerReference`` already used with the same
  config answers the identity made then, one used with another config is refused
  (``CloudFrontOriginAccessIdentityAlreadyExists``);
- reads one whole or as its config, and lists them a page (``Marker``, ``MaxItems``) at a time;
- updates (its comment; a changed ``CallerReference`` is an ``IllegalUpdate``) or deletes one
  only with ``If-Match`` set to its current ETag: ``InvalidIfMatchVersion`` without it,
  ``PreconditionFailed`` with a stale one;
- refuses an unknown id (``NoSuchCloudFrontOriginAccessIdentity``) and deleting an identity an S3
  origin of a distribution names (``CloudFrontOriginAccessIdentityInUse``).

moto parses each request and serialises each answer (errors included) from botocore's CloudFront
model, so the names here are the model's.
"""

from typing import Any

from moto.cloudfront import models, urls
from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.moto_api._internal import mock_random as random

from .policies import PreconditionFailed

PATH = "/2020-05-31/origin-access-identity/cloudfront"
#: How an S3 origin names an identity in its ``S3OriginConfig.OriginAccessIdentity``.
ORIGIN_PREFIX = "origin-access-identity/cloudfront/"
IDENTITY, CONFIG = "CloudFrontOriginAccessIdentity", "CloudFrontOriginAccessIdentityConfig"


class NoSuchIdentity(CloudFrontException):
    code = "NoSuchCloudFrontOriginAccessIdentity"
    message = "The specified origin access identity does not exist."


class IdentityAlreadyExists(CloudFrontException):
    code = "CloudFrontOriginAccessIdentityAlreadyExists"
    message = "The CallerReference you are using to create an origin access identity is associated with another one."


class IllegalUpdate(CloudFrontException):
    code = "IllegalUpdate"
    message = "The CallerReference of an origin access identity cannot be updated."


class IdentityInUse(CloudFrontException):
    code = "CloudFrontOriginAccessIdentityInUse"
    message = "The CloudFront origin access identity is still being used."


class Identity:
    def __init__(self, config: dict[str, Any]):
        self.id = "E" + models.random_id(length=13)
        self.s3_canonical_user_id = random.get_random_hex(64)
        self.configure(config)
        self.first_comment = self.config["Comment"]  # what a repeated create is compared with

    def configure(self, config: dict[str, Any]) -> None:
        self.config = {"CallerReference": config["CallerReference"], "Comment": config.get("Comment") or ""}
        self.etag = models.random_id()

    @property
    def location(self) -> str:
        return f"https://cloudfront.amazonaws.com{PATH}/{self.id}"

    def view(self) -> dict[str, Any]:
        return {"Id": self.id, "S3CanonicalUserId": self.s3_canonical_user_id, CONFIG: self.config}

    def summary(self) -> dict[str, Any]:
        return {"Id": self.id, "S3CanonicalUserId": self.s3_canonical_user_id, "Comment": self.config["Comment"]}


# The backend's operations; ``backend.cfm_identities`` keeps the account's identities by id.


def create_identity(self: models.CloudFrontBackend, config: dict[str, Any]) -> Identity:
    reference, comment = config["CallerReference"], config.get("Comment") or ""
    for identity in self.cfm_identities.values():
        if identity.config["CallerReference"] == reference:
            # AWS compares the config the reference was first sent with, not the current one.
            if identity.first_comment != comment:
                raise IdentityAlreadyExists
            return identity
    identity = Identity(config)
    self.cfm_identities[identity.id] = identity
    return identity


def get_identity(self: models.CloudFrontBackend, identity_id: str) -> Identity:
    if identity_id not in self.cfm_identities:
        raise NoSuchIdentity
    return self.cfm_identities[identity_id]


def update_identity(
    self: models.CloudFrontBackend, identity_id: str, config: dict[str, Any], if_match: str | None
) -> Identity:
    identity = _current(self, identity_id, if_match)
    if config["CallerReference"] != identity.config["CallerReference"]:
        raise IllegalUpdate
    identity.configure(config)
    return identity


def delete_identity(self: models.CloudFrontBackend, identity_id: str, if_match: str | None) -> None:
    _current(self, identity_id, if_match)
    if ORIGIN_PREFIX + identity_id in _named_identities(self):
        raise IdentityInUse
    del self.cfm_identities[identity_id]


def list_identities(
    self: models.CloudFrontBackend, marker: str | None, max_items: int
) -> tuple[list[Identity], str | None]:
    identities = list(self.cfm_identities.values())
    ids = [identity.id for identity in identities]
    start = ids.index(marker) + 1 if marker in ids else 0
    page = identities[start : start + max_items]
    return page, (page[-1].id if page and start + max_items < len(identities) else None)


def _current(backend: models.CloudFrontBackend, identity_id: str, if_match: str | None) -> Identity:
    """The identity, when ``if_match`` is its current ETag."""
    if not if_match:
        raise InvalidIfMatchVersion
    identity = backend.get_identity(identity_id)
    if if_match != identity.etag:
        raise PreconditionFailed
    return identity


def _named_identities(backend: models.CloudFrontBackend) -> set[str]:
    """Every ``S3OriginConfig.OriginAccessIdentity`` of every distribution's origins (as
    ``cloudfront`` keeps them on moto's origins)."""
    named = set()
    for distribution in backend.distributions.values():
        for origin in distribution.distribution_config.Origins["Items"]:
            named.add((getattr(origin, "s3_origin_config", None) or {}).get("OriginAccessIdentity"))
    return named


# CloudFrontResponse's methods, named after the model's operations.


def _create(self: CloudFrontResponse) -> ActionResult:
    identity = self.backend.create_identity(self._get_param(CONFIG))
    return ActionResult({IDENTITY: identity.view(), "ETag": identity.etag, "Location": identity.location})


def _get(self: CloudFrontResponse) -> ActionResult:
    identity = self.backend.get_identity(self._get_param("Id"))
    return ActionResult({IDENTITY: identity.view(), "ETag": identity.etag})


def _get_config(self: CloudFrontResponse) -> ActionResult:
    identity = self.backend.get_identity(self._get_param("Id"))
    return ActionResult({CONFIG: identity.config, "ETag": identity.etag})


def _update(self: CloudFrontResponse) -> ActionResult:
    identity = self.backend.update_identity(self._get_param("Id"), self._get_param(CONFIG), self._get_param("IfMatch"))
    return ActionResult({IDENTITY: identity.view(), "ETag": identity.etag})


def _delete(self: CloudFrontResponse) -> EmptyResult:
    self.backend.delete_identity(self._get_param("Id"), self._get_param("IfMatch"))
    return EmptyResult()


def _list(self: CloudFrontResponse) -> ActionResult:
    marker, max_items = self._get_param("Marker"), self._get_int_param("MaxItems") or 100
    page, next_marker = self.backend.list_identities(marker, max_items)
    items = [identity.summary() for identity in page]
    body = {"Marker": marker or "", "NextMarker": next_marker, "MaxItems": max_items}
    body.update({"IsTruncated": next_marker is not None, "Quantity": len(items), "Items": items or None})
    return ActionResult({f"{IDENTITY}List": body})


def _with_identities(original):
    def __init__(self, region_name, account_id):
        original(self, region_name, account_id)
        self.cfm_identities = {}

    return __init__


def apply() -> None:
    backend = models.CloudFrontBackend
    backend.__init__ = _with_identities(backend.__init__)
    backend.create_identity = create_identity
    backend.get_identity = get_identity
    backend.update_identity = update_identity
    backend.delete_identity = delete_identity
    backend.list_identities = list_identities
    # The server builds its routes from this dict when the first CloudFront request comes.
    for path in ("$", "/(?P<identity_id>[^/]+)$", "/(?P<identity_id>[^/]+)/config$"):
        urls.url_paths["{0}" + PATH + path] = CloudFrontResponse.dispatch
    CloudFrontResponse.create_cloud_front_origin_access_identity = _create
    CloudFrontResponse.get_cloud_front_origin_access_identity = _get
    CloudFrontResponse.get_cloud_front_origin_access_identity_config = _get_config
    CloudFrontResponse.update_cloud_front_origin_access_identity = _update
    CloudFrontResponse.delete_cloud_front_origin_access_identity = _delete
    CloudFrontResponse.list_cloud_front_origin_access_identities = _list
