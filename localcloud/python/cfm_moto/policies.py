"""CloudFront cache policies and origin request policies, kept as AWS keeps them.

moto 5.2.5 has no API for either; a request for one is answered 404 with no error code. AWS
keeps an account's custom policies of each kind by id, names unique among them, and:

- creates one (201, ``Location`` and ``ETag``), reads it whole or as its config, and lists the
  custom ones (``Type=custom`` or no type; no managed policy is listed here);
- updates (its whole config) or deletes one only with ``If-Match`` set to its current ETag:
  ``InvalidIfMatchVersion`` without it, ``PreconditionFailed`` with a stale one;
- refuses a name another policy of the kind has (``…AlreadyExists``), an unknown id
  (``NoSuch…``) and deleting a policy a distribution's behaviour uses (``…InUse``).

Both kinds share one implementation, parameterised by ``Kind``. moto parses each request and
serialises each answer (errors included) from botocore's CloudFront model, so a config is stored
as parsed and read back with every field the client sent.
"""

from dataclasses import dataclass
from typing import Any

from moto.cloudfront import models, urls
from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random as random


@dataclass(frozen=True)
class Kind:
    """One kind of policy, named as AWS names it in prose: "cache policy"."""

    label: str

    @property
    def shape(self) -> str:  # CachePolicy: the prefix of the model's shapes and error codes
        return self.label.title().replace(" ", "")

    @property
    def path(self) -> str:  # cache-policy, under /2020-05-31/
        return self.label.replace(" ", "-")

    @property
    def snake(self) -> str:  # cache_policy: the responses' method names, the behaviours' field
        return self.label.replace(" ", "_")

    @property
    def article(self) -> str:
        return "An" if self.label[0] in "aeiou" else "A"

    def error(self, code: str, message: str) -> CloudFrontException:
        """An error whose code and message are templates on this kind: ``"NoSuch{kind.shape}"``."""
        return CloudFrontException(code.format(kind=self), message.format(kind=self))


KINDS = (Kind("cache policy"), Kind("origin request policy"))


class PreconditionFailed(CloudFrontException):
    code = "PreconditionFailed"
    message = "The precondition given in one or more of the request-header fields evaluated to false."


class Policy:
    def __init__(self, kind: Kind, config: dict[str, Any]):
        self.kind = kind
        self.id = str(random.uuid4())
        self.configure(config)

    def configure(self, config: dict[str, Any]) -> None:
        self.config = config
        self.etag = models.random_id()
        self.last_modified_time = utcnow()

    @property
    def location(self) -> str:
        return f"https://cloudfront.amazonaws.com/2020-05-31/{self.kind.path}/{self.id}"

    def view(self) -> dict[str, Any]:
        return {"Id": self.id, "LastModifiedTime": self.last_modified_time, f"{self.kind.shape}Config": self.config}


class Policies:
    """One account's custom policies of one kind."""

    def __init__(self, kind: Kind, backend: models.CloudFrontBackend):
        self.kind = kind
        self.backend = backend
        self.items: dict[str, Policy] = {}

    def create(self, config: dict[str, Any]) -> Policy:
        self._check_name(config["Name"])
        policy = Policy(self.kind, config)
        self.items[policy.id] = policy
        return policy

    def get(self, policy_id: str) -> Policy:
        if policy_id not in self.items:
            raise self.kind.error("NoSuch{kind.shape}", "The {kind.label} does not exist.")
        return self.items[policy_id]

    def update(self, policy_id: str, config: dict[str, Any], if_match: str | None) -> Policy:
        policy = self._current(policy_id, if_match)
        self._check_name(config["Name"], policy_id)
        policy.configure(config)
        return policy

    def delete(self, policy_id: str, if_match: str | None) -> None:
        self._current(policy_id, if_match)
        if policy_id in self._used_ids():
            raise self.kind.error(
                "{kind.shape}InUse", "Cannot delete the {kind.label} because it is attached to one or more cache behaviors."
            )
        del self.items[policy_id]

    def list(self, policy_type: str | None, marker: str | None, max_items: int) -> tuple[list[Policy], str | None]:
        policies = [] if policy_type == "managed" else list(self.items.values())
        ids = [policy.id for policy in policies]
        start = ids.index(marker) + 1 if marker in ids else 0
        page = policies[start : start + max_items]
        return page, (page[-1].id if start + max_items < len(policies) else None)

    def _current(self, policy_id: str, if_match: str | None) -> Policy:
        if not if_match:
            raise InvalidIfMatchVersion
        policy = self.get(policy_id)
        if if_match != policy.etag:
            raise PreconditionFailed
        return policy

    def _check_name(self, name: str, policy_id: str | None = None) -> None:
        if any(p.config["Name"] == name and p.id != policy_id for p in self.items.values()):
            raise self.kind.error(
                "{kind.shape}AlreadyExists",
                "{kind.article} {kind.label} with this name already exists. You must provide a unique name. "
                "To modify an existing {kind.label}, use Update{kind.shape}.",
            )

    def _used_ids(self) -> set[str]:
        field = f"{self.kind.snake}_id"
        used = set()
        for distribution in self.backend.distributions.values():
            config = distribution.distribution_config
            behaviours = [config.DefaultCacheBehavior, *(config.CacheBehaviors.get("Items") or [])]
            used.update(getattr(b, field, None) for b in behaviours)
        return used


def _actions(kind: Kind) -> dict[str, Any]:
    """CloudFrontResponse's methods for one kind, named after the model's operations."""
    config_key, list_key = f"{kind.shape}Config", f"{kind.shape}List"

    def store(response: CloudFrontResponse) -> Policies:
        return response.backend.cfm_policies[kind]

    def create(self: CloudFrontResponse) -> ActionResult:
        policy = store(self).create(self._get_param(config_key))
        return ActionResult({kind.shape: policy.view(), "ETag": policy.etag, "Location": policy.location})

    def get(self: CloudFrontResponse) -> ActionResult:
        policy = store(self).get(self._get_param("Id"))
        return ActionResult({kind.shape: policy.view(), "ETag": policy.etag})

    def get_config(self: CloudFrontResponse) -> ActionResult:
        policy = store(self).get(self._get_param("Id"))
        return ActionResult({config_key: policy.config, "ETag": policy.etag})

    def update(self: CloudFrontResponse) -> ActionResult:
        policy = store(self).update(self._get_param("Id"), self._get_param(config_key), self._get_param("IfMatch"))
        return ActionResult({kind.shape: policy.view(), "ETag": policy.etag})

    def delete(self: CloudFrontResponse) -> EmptyResult:
        store(self).delete(self._get_param("Id"), self._get_param("IfMatch"))
        return EmptyResult()

    def list_(self: CloudFrontResponse) -> ActionResult:
        max_items = self._get_int_param("MaxItems") or 100
        page, next_marker = store(self).list(self._get_param("Type"), self._get_param("Marker"), max_items)
        items = [{"Type": "custom", kind.shape: policy.view()} for policy in page]
        body = {"NextMarker": next_marker, "MaxItems": max_items, "Quantity": len(items), "Items": items or None}
        return ActionResult({list_key: body})

    name = kind.snake
    return {
        f"create_{name}": create,
        f"get_{name}": get,
        f"get_{name}_config": get_config,
        f"update_{name}": update,
        f"delete_{name}": delete,
        f"list_{name[:-1]}ies": list_,
    }


def _with_policies(original):
    def __init__(self, region_name, account_id):
        original(self, region_name, account_id)
        self.cfm_policies = {kind: Policies(kind, self) for kind in KINDS}

    return __init__


def apply() -> None:
    models.CloudFrontBackend.__init__ = _with_policies(models.CloudFrontBackend.__init__)
    for kind in KINDS:
        # The server builds its routes from this dict when the first CloudFront request comes.
        base = "{0}/2020-05-31/" + kind.path
        for path in ("$", "/(?P<policy_id>[^/]+)$", "/(?P<policy_id>[^/]+)/config$"):
            urls.url_paths[base + path] = CloudFrontResponse.dispatch
        for name, method in _actions(kind).items():
            setattr(CloudFrontResponse, name, method)
