"""Per-request context: the request id (from X-Request-ID or made here), one access log line and
the request metrics, all by route template: a path itself is never logged or used as a label."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.metrics import LATENCY, REQUESTS

HEADER = "X-Request-ID"
# A client's id is kept only when it is a UUID (8-4-4-4-12 hex digits), so the header cannot carry
# a name or a card number (16 digits) into the logs; anything else is replaced by one of ours.
REQUEST_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
UNMATCHED = "unmatched"

log = structlog.get_logger("resident_id.access")


def request_id_from(raw: bytes | None) -> str:
    text = raw.decode("latin-1") if raw else ""
    return text if REQUEST_ID.fullmatch(text) else str(uuid.uuid4())


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(HEADER.lower().encode())
        request_id = request_id_from(raw)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route, method = route_template(scope), scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            log.info(
                "request",
                method=method,
                route=route,
                status=status,
                duration_ms=round(elapsed * 1000, 1),
            )
            structlog.contextvars.clear_contextvars()
