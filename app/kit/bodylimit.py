"""Request body limits: small by default, larger only where a route declares it, and a deadline
for receiving a body, so neither a huge body nor a slow one can hold the server's memory or a
worker.

A route declares its limit in its OpenAPI extra (`openapi_extra=max_body(6_000_000)`), which also
documents it. A declared Content-Length above the limit is answered 413 before a byte of the body
is read; a body without one (chunked) is counted as it arrives and refused once past the limit.
A body still arriving when the deadline passes is answered 408, and the server closes the
connection (it was not read to its end).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.errors import PROBLEM_JSON, RequestTooLarge, ResidentIdError, problem

# The OpenAPI extension that carries a route's limit.
LIMIT_KEY = "x-max-body-bytes"


def max_body(limit: int) -> dict[str, Any]:
    """A route's `openapi_extra` allowing bodies up to `limit` bytes."""
    return {LIMIT_KEY: limit}


@dataclass(frozen=True)
class RouteLimit:
    methods: frozenset[str]
    path: re.Pattern[str]
    limit: int


def route_limits(openapi: dict[str, Any]) -> list[RouteLimit]:
    """The routes that declare their own limit, read from the app's OpenAPI document: the limit
    a client reads there is the one enforced."""
    found: list[RouteLimit] = []
    for template, operations in openapi.get("paths", {}).items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in operations.items():
            if isinstance(operation, dict) and LIMIT_KEY in operation:
                found.append(
                    RouteLimit(frozenset({method.upper()}), pattern, int(operation[LIMIT_KEY]))
                )
    return found


def _refusal(error: ResidentIdError) -> tuple[Message, Message]:
    # Answered here, before the app (and its error handlers) sees the request, with the body
    # the handlers would render.
    body = json.dumps(problem(error)).encode()
    start: Message = {
        "type": "http.response.start",
        "status": error.status_code,
        "headers": [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class BodyLimit:
    """ASGI middleware enforcing each route's body limit and the body deadline."""

    def __init__(
        self, app: ASGIApp, *, default: int, routes: list[RouteLimit], timeout: float
    ) -> None:
        self.app = app
        self.default = default
        self.routes = routes
        self.timeout = timeout

    def _limit(self, method: str, path: str) -> int:
        for route in self.routes:
            if method in route.methods and route.path.match(path):
                return route.limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["method"], scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            refused = RequestTooLarge(f"the request body may be at most {limit:,} bytes here")
            for message in _refusal(refused):
                await send(message)
            return
        deadline = anyio.current_time() + self.timeout
        received = 0

        async def limited() -> Message:
            nonlocal received
            remaining = deadline - anyio.current_time()
            with anyio.move_on_after(max(remaining, 0)) as waited:
                message = await receive()
            if waited.cancelled_caught:
                raise HTTPException(
                    408, f"the request body did not arrive within {math.ceil(self.timeout)} s"
                )
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(
                        413, f"the request body may be at most {limit:,} bytes here"
                    )
            return message

        await self.app(scope, limited, send)
