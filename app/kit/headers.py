"""Security headers on every response, as one pure ASGI middleware (cheaper than Starlette's
BaseHTTPMiddleware on the verification hot path).

- `Cache-Control: no-store` unless the route set its own caching: nearly every answer carries
  personal data (names, dates of birth, balances) or a token, and shared counter machines and
  proxies must keep none of it. Public, cacheable answers (the status list) say so themselves.
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (search URLs never leak).
- A Content-Security-Policy with `frame-ancestors 'none'`: pages load only their own files and run
  no inline script. A page may send a stricter or narrower policy of its own (the web layer's
  pages do, /docs included: Swagger UI from our own files, started by a static script).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Static files (styles, scripts, fonts) carry no personal data and may be cached.
STATIC_PREFIX = "/static/"

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = PAGE_POLICY.encode()
        cacheable = path.startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in _COMMON if h[0] not in present)
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", policy))
                if b"cache-control" not in present and not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
