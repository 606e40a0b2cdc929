"""Errors of the residents' pre-applications."""

from __future__ import annotations

from app.kit.errors import TooManyRequests


class TooManyPreApplications(TooManyRequests):
    """This client sent as many pre-applications as the window allows; answers Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many pre-applications from this client; retry after {retry_after} seconds",
            extra={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
