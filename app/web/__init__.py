"""The web layer: pages for people (the counter console first), beside the JSON API.

`install(app)` adds the pages, the static files (ours and the built vendor assets) and the
locally served API documentation. Pages call the same domain services as the API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    from app.web.pages import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    # Compressed: USWDS's stylesheet is 500 KB as text and about a seventh of that gzipped.
    app.mount("/static", GZipMiddleware(StaticFiles(directory=STATIC)), name="static")
    app.add_middleware(CompressedPages)


class CompressedPages:
    """Pages go out gzipped too: the printer's queue of a busy day is 200 KB of HTML, 25 KB
    compressed. Safe from BREACH-style guessing of the page's CSRF token: the session cookie is
    SameSite=Strict, so a page another site makes the browser load is never a signed-in one."""

    PAGES = ("/console", "/merchant", "/docs")
    # Pictures and PDFs are compressed already: gzip would spend time to gain nothing.
    BINARY = (".jpg", ".png", ".pdf")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1000)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/" or (path.startswith(self.PAGES) and not path.endswith(self.BINARY)):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
