"""create_app(): routers, middleware and error handlers; nothing else."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__, web
from app.access.auth_router import router as auth_router
from app.access.branches_router import router as branches_router
from app.access.merchants_router import router as merchants_router
from app.applicants.router import router as applicants_router
from app.approvals.router import router as approvals_router
from app.audit_trail.router import router as audit_router
from app.auth.tokens import token_secret
from app.cards.applicants_router import router as applicant_cards_router
from app.cards.printing.router import router as printing_router
from app.cards.router import router as cards_router
from app.changes.listener import listening
from app.config import settings
from app.keys.router import router as keys_router
from app.keys.service import check_signing_key_setting
from app.kit.bodylimit import BodyLimit, route_limits
from app.kit.errors import (
    PROBLEM_JSON,
    DatabaseUnavailable,
    HTTPError,
    InternalError,
    ResidentIdError,
    ValidationError,
    problem,
    responses,
)
from app.kit.headers import SecurityHeaders
from app.kit.text import check_params
from app.library import worker as library_worker
from app.library.router import router as library_router
from app.openapi import allowed_methods, document_contract
from app.ops import repository as ops_repository
from app.ops.logs import configure_logging
from app.ops.requests import RequestContext
from app.ops.router import router as ops_router
from app.payments.router import router as payments_router
from app.proofs.router import router as proofs_router
from app.statements import statements
from app.verification.router import router as verification_router

log = logging.getLogger("resident_id")

# Matched in this order, one route after another: the hot paths (a merchant's scan and charge)
# first, so they are not tested against every other route on each request (a charge spent about
# a fifteenth of its CPU matching routes when payments came eleventh). No path of theirs
# overlaps another router's.
ROUTERS = (
    verification_router,
    payments_router,
    auth_router,
    applicants_router,
    applicant_cards_router,
    proofs_router,
    cards_router,
    approvals_router,
    keys_router,
    printing_router,
    merchants_router,
    audit_router,
    library_router,
    branches_router,
)


def _problem(
    exc: ResidentIdError,
    detail: str | list[Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem(exc, detail),
        status_code=exc.status_code,
        headers={**exc.headers, **(headers or {})},
        media_type=PROBLEM_JSON,
    )


def _validation_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Name each offending field; never echo the submitted value back (it may be a document number).
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


async def _on_domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ResidentIdError)
    return _problem(exc)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _problem(
        ValidationError("the request does not match the schema"), _validation_detail(exc)
    )


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names only the first route's methods; a path served by several routes (GET
        # and POST /v1/users) allows all of theirs.
        headers["Allow"] = ", ".join(allowed_methods(request))
    return _problem(HTTPError(exc.detail, status_code=exc.status_code), headers=headers)


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error (a bug): %s", type(exc).__name__)
    return _problem(InternalError("an unexpected error; it has been logged"))


# Sync endpoints run in anyio's thread pool (40 threads by default). A request that has taken a
# row lock (or SQLite's write lock) may need a second thread hop to finish; with every thread
# held by requests queued behind that lock, nothing progresses. More threads than the
# database has connections removes that deadlock; the connection pool still bounds real work.
WORKER_THREADS = 1000


_frozen = False


def _freeze_what_start_up_made() -> None:
    """What start-up made (modules, the app, its routes and schemas) lives as long as the
    process: moved out of the collector's way, so a full collection no longer walks it while
    every request waits (verify's p99 fell from 149 to 28 ms, docs/benchmarks.md). Once per
    process: an app started again in it (tests) leaves later objects to the collector."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # A placeholder, short or empty secret stops the start here, with the reason.
    token_secret()
    check_signing_key_setting()
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    _freeze_what_start_up_made()
    with (
        library_worker.in_server(),
        listening(settings.listen_database_url or settings.database_url),
    ):
        yield


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="Resident ID",
        version=__version__,
        description="Municipal resident-ID cards: registration, printing, verification, stored value.",
        # Every path and query string is Text: control characters are a 422, never a 500.
        dependencies=[Depends(check_params)],
        # /docs is served by the web layer from local files (no CDN), with no inline script.
        docs_url=None,
        redoc_url=None,
    )
    for router in ROUTERS:
        app.include_router(router)
    web.install(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Liveness: answers 200 while the process serves."""
        return {"status": "ok"}

    @app.get("/healthz/database", tags=["health"], responses=responses(DatabaseUnavailable))
    async def healthz_database() -> dict[str, str]:
        """Liveness of the database as the hot paths reach it: one `SELECT 1` through their
        pool (app.statements), no session, no worker thread on PostgreSQL."""
        async with statements() as run:
            await ops_repository.ping_now(run)
        return {"status": "ok"}

    # Not in ROUTERS: operator routes live outside /v1 and outside the role walk.
    app.include_router(ops_router)
    # Before anything reads app.openapi(): the spec is built once, with the contract's additions.
    document_contract(app)
    app.add_middleware(
        BodyLimit,
        default=settings.body_max_bytes,
        routes=route_limits(app.openapi()),
        timeout=settings.body_timeout_seconds,
    )
    configure_logging()
    app.add_middleware(RequestContext)
    app.add_exception_handler(ResidentIdError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
    app.add_middleware(SecurityHeaders)
    return app
