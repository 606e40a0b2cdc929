"""Why a merchant operation is refused."""

from __future__ import annotations

from app.kit.errors import Conflict, NotFound


class MerchantNotFound(NotFound):
    pass


class MerchantDisabled(Conflict):
    """A disabled merchant gets no new key: enable it first, on purpose."""
