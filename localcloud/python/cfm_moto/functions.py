"""CloudFront Functions with their two stages, and the behaviours that use them, as AWS keeps them.

moto 5.2.5 creates, describes, reads, lists and deletes a function, but keeps only one stage
(always ``DEVELOPMENT`` / ``UNPUBLISHED``, whatever ``Stage`` asks for), answers UpdateFunction 500
and PublishFunction 404, accepts any ``If-Match`` and deletes a function a distribution still
uses. Its cache behaviours drop ``FunctionAssociations`` and ``LambdaFunctionAssociations`` (they
read back as ``Quantity`` 0). AWS:

- updates a function's ``DEVELOPMENT`` stage (code and config, a new ETag) and publishes it by
  copying it to ``LIVE`` (the function's status goes from ``UNPUBLISHED`` to ``UNASSOCIATED``);
  each stage has its own ETag, and DescribeFunction and GetFunction read the stage ``Stage``
  names (``LIVE`` of a never-published function: ``NoSuchFunctionExists``);
- updates, publishes or deletes only with ``If-Match`` set to the ``DEVELOPMENT`` ETag:
  ``InvalidIfMatchVersion`` without it, ``PreconditionFailed`` with a stale one;
- refuses to delete a function a default or path cache behaviour associates (``FunctionInUse``);
- keeps both kinds of association on every cache behaviour, as sent.
"""

from typing import Any

from moto.cloudfront import models, urls
from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion, NoSuchFunctionExists
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from .policies import PreconditionFailed

LIVE = "LIVE"
FUNCTION_PATH = "/2020-05-31/function/"


class FunctionInUse(CloudFrontException):
    code = "FunctionInUse"
    message = "Cannot delete the function because it is associated with one or more cache behaviors."


# The backend's operations. moto's own create and list stay; ``function.live`` is the LIVE stage.


def describe_function(self: models.CloudFrontBackend, name: str, stage: str | None = None) -> models.CloudFrontFunction:
    function = self.functions.get(name)
    if stage == LIVE:
        function = getattr(function, "live", None)
    if function is None:
        raise NoSuchFunctionExists(name)
    return function


def update_function(
    self: models.CloudFrontBackend, name: str, if_match: str | None, config: dict[str, Any], code: bytes
) -> models.CloudFrontFunction:
    function = _development(self, name, if_match)
    function.config, function.code = config, code
    function.etag, function.last_modified_time = models.random_id(), utcnow()
    return function


def publish_function(self: models.CloudFrontBackend, name: str, if_match: str | None) -> models.CloudFrontFunction:
    function = _development(self, name, if_match)
    live = models.CloudFrontFunction(self.account_id, self.region_name, name, dict(function.config), function.code)
    live.stage, live.created_time = LIVE, function.created_time
    function.status = live.status = "UNASSOCIATED"
    function.live = live
    return live


def delete_function(self: models.CloudFrontBackend, name: str, if_match: str | None) -> None:
    function = _development(self, name, if_match)
    if function.arn in _associated_arns(self):
        raise FunctionInUse
    del self.functions[name]


def _development(backend: models.CloudFrontBackend, name: str, if_match: str | None) -> models.CloudFrontFunction:
    """The DEVELOPMENT stage of a function, when ``if_match`` is its current ETag."""
    if not if_match:
        raise InvalidIfMatchVersion
    function = backend.describe_function(name)
    if if_match != function.etag:
        raise PreconditionFailed
    return function


def _associated_arns(backend: models.CloudFrontBackend) -> set[str]:
    arns = set()
    for distribution in backend.distributions.values():
        config = distribution.distribution_config
        for behaviour in [config.DefaultCacheBehavior, *(config.CacheBehaviors.get("Items") or [])]:
            arns.update(a["FunctionARN"] for a in behaviour.function_associations.get("Items") or [])
    return arns


# CloudFrontResponse's methods, named after the model's operations.


def _describe(self: CloudFrontResponse) -> ActionResult:
    function = self.backend.describe_function(self._get_param("Name"), self._get_param("Stage"))
    return ActionResult({"FunctionSummary": function.function_summary, "ETag": function.etag})


def _get(self: CloudFrontResponse) -> ActionResult:
    function = self.backend.describe_function(self._get_param("Name"), self._get_param("Stage"))
    code = {"FunctionCode": function.code, "ContentType": "application/octet-stream"}
    return ActionResult({**code, "ETag": function.etag})


def _update(self: CloudFrontResponse) -> ActionResult:
    name, if_match = self._get_param("Name"), self._get_param("IfMatch")
    config, code = self._get_param("FunctionConfig"), self._get_param("FunctionCode")
    function = self.backend.update_function(name, if_match, config, code)
    # The model names this answer's header "ETtag" (the SDKs read that one); send "ETag" too.
    self.response_headers["ETag"] = function.etag
    return ActionResult({"FunctionSummary": function.function_summary, "ETag": function.etag})


def _publish(self: CloudFrontResponse) -> ActionResult:
    function = self.backend.publish_function(self._get_param("Name"), self._get_param("IfMatch"))
    return ActionResult({"FunctionSummary": function.function_summary})


def _route_without_if_match(original):
    """moto routes a request only if it has every header the model requires, so an update, publish
    or delete without ``If-Match`` matches no operation (404, no code). Route it as if it had one;
    the operation then refuses it as AWS does."""

    def route(self, request):
        action = original(self, request)
        if action is None and FUNCTION_PATH in request.path and "If-Match" not in request.headers:
            action = original(self, type(request)(dict(request.environ, HTTP_IF_MATCH="")))
        return action

    return route


ASSOCIATIONS = {
    "FunctionAssociations": "function_associations",
    "LambdaFunctionAssociations": "lambda_function_associations",
}


def _keep_associations(original):
    def __init__(self, config):
        original(self, config)
        for field, attribute in ASSOCIATIONS.items():
            items = (config.get(field) or {}).get("Items") or []
            setattr(self, attribute, {"Quantity": len(items), "Items": items} if items else {"Quantity": 0})

    return __init__


def apply() -> None:
    backend = models.CloudFrontBackend
    backend.describe_function = describe_function
    backend.update_function = update_function
    backend.publish_function = publish_function
    backend.delete_function = delete_function
    models.CloudFrontFunction.live = None
    # CacheBehaviour's __init__ calls this one, so path behaviours keep theirs too.
    models.DefaultCacheBehaviour.__init__ = _keep_associations(models.DefaultCacheBehaviour.__init__)
    urls.url_paths["{0}" + FUNCTION_PATH + "(?P<function_name>[^/]+)/publish$"] = CloudFrontResponse.dispatch
    route = CloudFrontResponse._get_action_from_method_and_request_uri
    CloudFrontResponse._get_action_from_method_and_request_uri = _route_without_if_match(route)
    CloudFrontResponse.describe_function = _describe
    CloudFrontResponse.get_function = _get
    CloudFrontResponse.update_function = _update
    CloudFrontResponse.publish_function = _publish
