"""Every stored-value endpoint, gathered into the one router app.main includes."""

from __future__ import annotations

from fastapi import APIRouter

from app.payments.charges.router import router as charges_router
from app.payments.loads.router import router as loads_router
from app.payments.parking.router import router as parking_router
from app.payments.reports.router import router as reports_router

router = APIRouter()
# No two of these share a path pattern, so the order only sets the order of the API document.
for part in (loads_router, charges_router, parking_router, reports_router):
    router.include_router(part)
