from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from app.access.deps import public
from app.db import SessionDep
from app.keys import service

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.get("", dependencies=[Depends(public())])
def published_keys(session: SessionDep) -> dict[str, Any]:
    """The public keys that verify card QR codes and status lists, as a JWK set (public)."""
    return service.jwks(session)
