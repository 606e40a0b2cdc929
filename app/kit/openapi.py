"""The published contract: an operation id and a summary for every route, the merchant key as its
own security scheme, and the headers and errors the server really uses, written into the spec."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.auth.deps import RoleGuard
from app.auth.roles import Role
from app.kit.errors import PROBLEM_JSON

MERCHANT_SCHEME = "MerchantApiKey"
STAFF_SCHEME = "OAuth2PasswordBearer"
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Where a function's name says less than the city's words would.
OPERATION_IDS = {
    "/v1/verify": "verifyCard",
    "/v1/audit/verify": "verifyAuditChain",
    "/v1/auth/token": "signIn",
    "/v1/auth/me": "readSignedInAccount",
    "/v1/status-lists/{list_id}": "getStatusList",
    "/v1/keys": "getPublishedKeys",
}
_ERROR = {"$ref": "#/components/schemas/ErrorBody"}


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
            answers.setdefault(
                "400",
                {
                    "description": "The body could not be parsed (not UTF-8, not JSON, a broken form).",
                    "content": {PROBLEM_JSON: {"schema": _ERROR}},
                },
            )
        if "401" in answers:
            answers["401"].setdefault("headers", {})["WWW-Authenticate"] = _header(
                "Bearer: send a staff token or a merchant key."
            )
        if "429" in answers:
            answers["429"].setdefault("headers", {})["Retry-After"] = _header(
                "Seconds to wait before trying again.", {"type": "integer"}
            )
        for param in op.get("parameters", []):
            if param["in"] == "header" and param["name"] == IDEMPOTENCY_HEADER:
                param["required"] = True
                param["description"] = (
                    "A new random value per payment and the same on its retries (at most 255 "
                    "characters); a retry answers the first answer again."
                )
                param["schema"] = {"type": "string", "minLength": 1, "maxLength": 255}
                for status, answer in answers.items():
                    if status.startswith("2"):
                        answer.setdefault("headers", {})[REPLAYED_HEADER] = _header(
                            "`true` when this answer replays an earlier request with the same key."
                        )
                answers.setdefault(
                    "400",
                    {
                        "description": "Bad request (a missing Idempotency-Key among others).",
                        "content": {PROBLEM_JSON: {"schema": _ERROR}},
                    },
                )


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
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise
