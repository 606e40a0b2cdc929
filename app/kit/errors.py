"""One error base; the handler in app.main renders every error as {"error": ..., "detail": ...}."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ResidentIdError(Exception):
    """A domain error with the HTTP status it maps to."""

    status_code: int = 400

    def __init__(
        self,
        detail: str,
        *,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code
        self.extra = extra or {}
        # Sent with the response (Retry-After on a 429).
        self.headers = headers or {}

    @property
    def name(self) -> str:
        return type(self).__name__


class BadRequest(ResidentIdError):
    status_code = 400


class NotAuthenticated(ResidentIdError):
    status_code = 401


class Forbidden(ResidentIdError):
    status_code = 403


class NotFound(ResidentIdError):
    status_code = 404


class Conflict(ResidentIdError):
    status_code = 409


class Unprocessable(ResidentIdError):
    status_code = 422


class ErrorBody(BaseModel):
    """The one error shape every route answers with."""

    error: str
    detail: str | list[Any]


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route: each listed status documented with the error shape."""
    return {status: {"model": ErrorBody} for status in statuses}
