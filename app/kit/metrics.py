"""The process's own Prometheus counters: requests, latency and failed sign-ins. Low in the
layers so that auth and the merchant desk can count a refused sign-in without depending on ops,
which reads every domain's figures when scraped (app/ops/metrics.py)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()

REQUESTS = Counter(
    "resident_id_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "resident_id_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    registry=REGISTRY,
)
FAILED_SIGN_INS = Counter(
    "resident_id_failed_sign_ins",
    "Sign-ins refused for a wrong username or password, or a disabled account.",
    registry=REGISTRY,
)


def failed_sign_in() -> None:
    """Called by the auth service each time it refuses a sign-in."""
    FAILED_SIGN_INS.inc()
