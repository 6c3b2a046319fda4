"""drf-spectacular extensions (imported in TrackerConfig.ready so they register)."""

from types import SimpleNamespace
from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema


class JWTProfileScheme(SimpleJWTScheme):
    target_class = "tracker.auth.jwt.JWTProfileAuthentication"
    name = "jwtAuth"


class OwnedResourceSchema(AutoSchema):
    """Documents the idempotent create (201 for a new row, 200 for a replayed id) and the
    first-use disclaimer gate on writes (403 with code disclaimer_required)."""

    def get_response_serializers(self) -> Any:
        from tracker.api.serializers import DetailSerializer

        response = super().get_response_serializers()
        if isinstance(response, dict):
            return response
        action = getattr(self.view, "action", None)
        if self.method == "POST" and action == "create":
            return {200: response, 201: response, 403: DetailSerializer}
        if self.method == "PATCH":
            return {200: response, 403: DetailSerializer}
        return response


# --- Error responses -------------------------------------------------------------------------
# drf-spectacular documents the success responses only. The API also answers 400, 401, 403,
# 404 and 429 as DESIGN.md says; this hook declares each where the operation can return it,
# found from the operation (body, parameters, security) and its view (permissions,
# authentication, throttles), so clients and the Schemathesis run see every status code.

VALIDATION_ERROR = "ValidationError"
ERROR_DETAIL = "ErrorDetail"
ERROR_COMPONENTS: dict[str, dict[str, Any]] = {
    VALIDATION_ERROR: {
        "type": "object",
        "description": "Field name → list of messages (nested for nested fields; general ones "
        'under "non_field_errors"), or {"detail": "…"} for a body that is not valid JSON.',
        "additionalProperties": {},
    },
    ERROR_DETAIL: {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string", "description": "A machine-readable reason, when given."},
        },
        "required": ["detail"],
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input; nothing was stored.",
    "401": "Not signed in, or the token is invalid or expired.",
    "403": "Not allowed: the medical disclaimer is not accepted yet (code "
    '"disclaimer_required"), the action is not yours to take, or a session request '
    "without its CSRF token.",
    "404": "Not found (someone else's objects are not found either), or an invalid cursor.",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Query parameters whose empty value (`?to=`) reads as absent (no filter, the default). Other
# parameters answer 400 to an empty value (`limit`, `format`).
EMPTY_MEANS_ABSENT = {
    "cursor",
    "page_size",
    "from",
    "to",
    "updated_since",
    "bucket",
    "search",
    "barcode",
}


def _error_statuses(operation: dict[str, Any], method: str, view: Any) -> set[str]:
    from rest_framework.authentication import SessionAuthentication
    from rest_framework.exceptions import PermissionDenied
    from rest_framework.permissions import AllowAny, IsAuthenticated

    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p.get("in") == "query"}
    statuses: set[str] = set()
    # A bad cursor is a 404 (below); every other parameter is validated.
    if "requestBody" in operation or query - {"cursor"}:
        statuses.add("400")
    authenticators = view.get_authenticators()
    if authenticators:
        statuses.add("401")  # a bad token is refused even where signing in is optional
    # Session requests that change something need their CSRF token (DRF answers 403).
    if method in UNSAFE_METHODS and any(
        isinstance(a, SessionAuthentication) for a in authenticators
    ):
        statuses.add("403")
    # A probe: a signed-in person who has not accepted the disclaimer yet, the one state in
    # which the project's own permissions (tracker.api.permissions) refuse.
    probe = SimpleNamespace(
        method=method,
        user=SimpleNamespace(
            is_authenticated=True, profile=SimpleNamespace(disclaimer_accepted_at=None)
        ),
    )
    for permission in view.get_permissions():
        if isinstance(permission, (IsAuthenticated, AllowAny)):
            continue  # 401 or nothing
        try:
            refused = not permission.has_permission(probe, view)
        except PermissionDenied:
            refused = True
        except Exception:
            refused = True  # a permission the probe cannot answer for: it may refuse
        if refused:
            statuses.add("403")
    if any(p.get("in") == "path" for p in parameters) or "cursor" in query:
        statuses.add("404")
    # A quota that counts only some requests (tracker.api.throttles: creates, downloads) says
    # which through counts(); DRF's own throttles count every request.
    if any(
        not hasattr(throttle, "counts") or throttle.counts(probe, view)
        for throttle in view.get_throttles()
    ):
        statuses.add("429")
    return statuses


def _error_response(status: str) -> dict[str, Any]:
    component = VALIDATION_ERROR if status == "400" else ERROR_DETAIL
    return {
        "description": ERROR_DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def declare_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> Any:
    """A POSTPROCESSING_HOOKS entry (SPECTACULAR_SETTINGS)."""
    paths = result.get("paths", {})
    for path, _regex, method, callback in generator.endpoints:
        view = generator.create_view(callback, method)
        version = generator.api_version or getattr(view.versioning_class, "default_version", "")
        coerced = generator.coerce_path(path, method, view).replace("{version}", version or "")
        operation = paths.get(coerced, {}).get(method.lower())
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter["name"] in EMPTY_MEANS_ABSENT:
                parameter["allowEmptyValue"] = True
        responses = operation.setdefault("responses", {})
        for status in sorted(_error_statuses(operation, method, view)):
            declared = responses.get(status)
            if declared is None:
                responses[status] = _error_response(status)
            elif "content" not in declared:
                # Declared without a body (e.g. `400: None`), but DRF always sends one.
                declared["content"] = _error_response(status)["content"]
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in ERROR_COMPONENTS.items():
        schemas.setdefault(name, component)
    _decimal_strings_in_requests(schemas)
    return result


def _decimal_strings_in_requests(schemas: dict[str, Any]) -> None:
    """Amounts in request bodies may also be decimal strings ("250.5"), as many clients send
    them to keep their precision (tracker.api.fields.json_type_error accepts exactly these)."""
    from tracker.api.fields import DECIMAL_STRING

    as_string = {"type": "string", "pattern": f"^{DECIMAL_STRING.pattern}$"}
    for name, component in schemas.items():
        if not name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST: the request bodies
            continue
        properties = component.get("properties", {})
        for key, prop in properties.items():
            if prop.get("type") == "number":
                number = {k: v for k, v in prop.items() if k not in ("description", "nullable")}
                wrapped: dict[str, Any] = {"oneOf": [number, as_string]}
                for k in ("description", "nullable"):
                    if k in prop:
                        wrapped[k] = prop[k]
                properties[key] = wrapped
