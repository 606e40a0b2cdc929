"""Errors of card verification and the status lists."""

from __future__ import annotations

from app.config import settings
from app.kit.errors import NotFound, TooManyRequests, Unprocessable


class RateLimited(TooManyRequests):
    """More verifications (or refused charges) a minute than the merchant's key may make."""

    def __init__(self, wait: int) -> None:
        super().__init__(
            f"more than {settings.verify_rate_per_minute} verifications a minute; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )


class StatusListNotFound(NotFound):
    """No status list has this id."""


class PeriodReversed(Unprocessable):
    """A counts period whose `since` is after its `until`."""

    error = "Unprocessable"  # the name clients read before this class existed
