"""Operator routes: readiness and metrics (liveness is /healthz in app.main)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from app.access.deps import public
from app.db import SessionDep
from app.ops import readiness
from app.ops.metrics import scrape
from app.ops.schemas import Readiness

router = APIRouter(tags=["operations"], dependencies=[Depends(public())])


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness",
    operation_id="readiness",
    responses={503: {"model": Readiness, "description": "Not ready; `problems` says why."}},
)
def readyz(session: SessionDep) -> JSONResponse:
    """Ready: the database answers, its schema is at head, and a signing key can sign."""
    found = readiness.problems(session)
    body = Readiness(status="not ready" if found else "ready", problems=found)
    # Not an error: a 503 here is the readiness report load balancers read, in its own shape.
    return JSONResponse(body.model_dump(), status_code=503 if found else 200)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    operation_id="metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format."}
    },
)
def metrics() -> Response:
    """Prometheus text format: request rate and latency per route template, verifications,
    charges and money moved, the print queue and the status list's age."""
    return Response(scrape(), media_type=CONTENT_TYPE_LATEST)
