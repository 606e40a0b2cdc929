"""Every stored-value endpoint, gathered into the one router app.main includes."""

from __future__ import annotations

from fastapi import APIRouter

from app.payments import cards_routes, charges_routes, parking_routes, reports_routes

router = APIRouter()
for part in (cards_routes, charges_routes, parking_routes, reports_routes):
    router.include_router(part.router)
