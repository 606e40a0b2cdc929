"""The caller as services see it: a staff account or a merchant's API key, with no HTTP in it, so
that services take a `Principal` without depending on FastAPI."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.roles import Role

API_KEY_PREFIX = "rid_mk_"
"""Merchant API keys start with this; staff tokens never do."""


@dataclass(frozen=True)
class Principal:
    """The caller: a staff account or a merchant's API key."""

    id: str
    role: Role
    name: str
    branch: str | None = None
    must_change_password: bool = False

    @property
    def actor(self) -> str:
        """How the audit trail names this caller."""
        kind = "merchant" if self.role is Role.MERCHANT else "user"
        return f"{kind}:{self.id}"
