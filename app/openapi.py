"""The published contract: an operation id and a summary for every route, the merchant key as its
own security scheme, and the headers and errors the server really uses, written into the spec."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.access.deps import RoleGuard
from app.auth.roles import Role
from app.kit.errors import PROBLEM_JSON, PROBLEM_REF, ProblemDetails
from app.kit.examples import REQUEST_EXAMPLES
from app.kit.links import add_links
from app.kit.text import PLAIN_PATTERN

MERCHANT_SCHEME = "MerchantApiKey"
STAFF_SCHEME = "OAuth2PasswordBearer"
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# A key is an opaque token (a UUID, random hex or base64url), not a place for text.
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]+$"
# Where a function's name says less than the city's words would.
OPERATION_IDS = {
    "/v1/verify": "verifyCard",
    "/v1/audit/verify": "verifyAuditChain",
    "/v1/auth/token": "signIn",
    "/v1/auth/me": "readSignedInAccount",
    "/v1/status-lists/{list_id}": "getStatusList",
    "/v1/keys": "getPublishedKeys",
}


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, including those of included routers (kept whole, with their full path)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this request's path."""
    path = request.url.path
    methods: set[str] = set()
    for route in api_routes(request.app.router.routes):
        if route.path_regex.fullmatch(path):
            methods |= route.methods or set()
    return sorted(methods)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def _summary(route: APIRoute) -> str:
    doc = (route.endpoint.__doc__ or "").strip()
    paragraph = " ".join(doc.split("\n\n")[0].split())
    # The first sentence, or what comes before its colon: a summary is a line, the rest is the
    # description.
    sentence = re.split(r"(?<=\.)\s+(?=[A-Z])", paragraph, maxsplit=1)[0]
    first = re.split(r"[:;]\s", sentence, maxsplit=1)[0]
    if first.count("(") != first.count(")"):  # the colon was inside brackets
        first = sentence
    return first.rstrip(".") or route.name.replace("_", " ").capitalize()


def roles_of(route: APIRoute) -> set[Role]:
    """The roles a route admits; empty for a public route."""
    return _roles(route.dependant)


def _roles(dependant: Dependant) -> set[Role]:
    found: set[Role] = set()
    for sub in dependant.dependencies:
        if isinstance(sub.call, RoleGuard) and sub.call.roles:
            found |= set(sub.call.roles)
        found |= _roles(sub)
    return found


def name_operations(app: FastAPI) -> None:
    """A summary and a unique camelCase operation id on every route (createCharge, verifyCard)."""
    seen: dict[str, str] = {}
    for route in api_routes(app.router.routes):
        if not route.include_in_schema:
            continue  # the web pages: not part of the API contract
        route.operation_id = route.operation_id or OPERATION_IDS.get(route.path, _camel(route.name))
        route.summary = route.summary or _summary(route)
        if route.operation_id in seen:
            raise RuntimeError(
                f"operation id {route.operation_id} for {route.path} and {seen[route.operation_id]}"
            )
        seen[route.operation_id] = route.path


def _operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }


def _header(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "schema": schema or {"type": "string"}}


def _plain_strings(node: Any, spec: dict[str, Any], seen: set[str]) -> None:
    """PLAIN_PATTERN on every string of an input that states no pattern of its own, following
    references into components: the server refuses control characters in any string it takes
    (app.kit.text), so the schema says so. Dates, times, files and enums are not strings to it."""
    if isinstance(node, list):
        for item in node:
            _plain_strings(item, spec, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _plain_strings(spec["components"]["schemas"][name], spec, seen)
        return
    if (
        node.get("type") == "string"
        and node.get("format") in (None, "password")
        and not {"pattern", "enum", "const"} & node.keys()
    ):
        node["pattern"] = PLAIN_PATTERN
    for key in ("anyOf", "oneOf", "allOf", "items", "prefixItems"):
        _plain_strings(node.get(key), spec, seen)
    for key in ("properties", "patternProperties"):
        _plain_strings(list(node.get(key, {}).values()), spec, seen)
    if isinstance(node.get("additionalProperties"), dict):
        _plain_strings(node["additionalProperties"], spec, seen)


def _inputs(spec: dict[str, Any], operations: dict[str, dict[str, Any]]) -> None:
    """Every path and query parameter and every request body of every operation (app.kit.text
    checks them all: check_params and InputSchema)."""
    seen: set[str] = set()
    for op in operations.values():
        for param in op.get("parameters", []):
            if param["in"] in ("path", "query"):
                _plain_strings(param.get("schema"), spec, seen)
        for media in op.get("requestBody", {}).get("content", {}).values():
            _plain_strings(media.get("schema"), spec, seen)


def _problems(spec: dict[str, Any], operations: dict[str, dict[str, Any]]) -> None:
    """Every error answer as the server sends it: application/problem+json, the ProblemDetails
    shape. FastAPI's own 422 (application/json, its validation shape) and an error status listed
    without content become that; an answer with a body of its own (readiness's 503) stays."""
    schemas = spec["components"].setdefault("schemas", {})
    schemas.setdefault(
        "ProblemDetails",
        ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}"),
    )
    for op in operations.values():
        for status, answer in op.get("responses", {}).items():
            content = answer.get("content")
            if status[0] in "45" and (
                content is None or "HTTPValidationError" in json.dumps(content)
            ):
                answer["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
    used = json.dumps(spec["paths"])
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in used:
            schemas.pop(name, None)


def _examples(operations: dict[str, dict[str, Any]]) -> None:
    for operation_id, example in REQUEST_EXAMPLES.items():
        operations[operation_id]["requestBody"]["content"]["application/json"]["example"] = example


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}


def _body_answers(answers: dict[str, Any]) -> None:
    """What any operation with a body can answer before its handler runs."""
    answers.setdefault(
        "400", _problem("The body could not be parsed (not UTF-8, not JSON, a broken form).")
    )
    # app.kit.bodylimit: past the route's limit, or not arrived within the deadline.
    answers.setdefault("413", _problem("The body is larger than this operation takes."))
    answers.setdefault("408", _problem("The body did not arrive in time."))


def _answer_headers(answers: dict[str, Any]) -> None:
    if "401" in answers:
        answers["401"].setdefault("headers", {})["WWW-Authenticate"] = _header(
            "Bearer: send a staff token or a merchant key."
        )
    if "429" in answers:
        answers["429"].setdefault("headers", {})["Retry-After"] = _header(
            "Seconds to wait before trying again.", {"type": "integer"}
        )


def _idempotency(op: dict[str, Any], answers: dict[str, Any]) -> None:
    """A money-moving operation: its key header required and described, replays marked."""
    for param in op.get("parameters", []):
        if param["in"] != "header" or param["name"] != IDEMPOTENCY_HEADER:
            continue
        param["required"] = True
        param["description"] = (
            "A new random value per payment and the same on its retries (a UUID or random "
            "hex: letters, digits and _ . : -, at most 255 characters); a retry answers "
            "the first answer again."
        )
        param["schema"] = {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": IDEMPOTENCY_KEY_PATTERN,
        }
        for status, answer in answers.items():
            if status.startswith("2"):
                answer.setdefault("headers", {})[REPLAYED_HEADER] = _header(
                    "`true` when this answer replays an earlier request with the same key."
                )
        answers.setdefault("400", _problem("Bad request (a missing Idempotency-Key among others)."))


def _document(spec: dict[str, Any], app: FastAPI) -> None:
    schemes = spec.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes[MERCHANT_SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "A merchant's API key (it starts with rid_mk_), sent as a bearer token.",
    }
    operations = _operations(spec)
    for route in api_routes(app.router.routes):
        if route.operation_id not in operations:
            continue
        op = operations[route.operation_id]
        roles = _roles(route.dependant)
        if Role.MERCHANT in roles:
            staff: list[dict[str, list[str]]] = (
                [{STAFF_SCHEME: []}] if roles - {Role.MERCHANT} else []
            )
            op["security"] = [*staff, {MERCHANT_SCHEME: []}]
        answers = op.setdefault("responses", {})
        if "requestBody" in op:
            _body_answers(answers)
        _answer_headers(answers)
        _idempotency(op, answers)


def document_contract(app: FastAPI) -> None:
    """Name every operation now, and post-process the spec once when it is first asked for."""
    name_operations(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            _document(spec, app)
            operations = _operations(spec)
            _inputs(spec, operations)
            _problems(spec, operations)
            _examples(operations)
            add_links(operations)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise
