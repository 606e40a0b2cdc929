"""The web layer: pages for people (the counter console first), beside the JSON API.

`install(app)` adds the pages, the static files (ours and the built vendor assets) and the
locally served API documentation. Pages call the same domain services as the API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    from app.web.pages import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    # Compressed: USWDS's stylesheet is 500 KB as text and about a seventh of that gzipped.
    app.mount("/static", GZipMiddleware(StaticFiles(directory=STATIC)), name="static")
