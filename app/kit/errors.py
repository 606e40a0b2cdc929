"""One error base; the handler in app.main renders every error as an RFC 9457 problem
(`application/problem+json`: type, title, status, detail) that keeps the `error` member older
clients read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel


class ResidentIdError(Exception):
    """A domain error with the HTTP status it maps to, and the headers its answer carries
    (Retry-After, WWW-Authenticate): a subclass sets `headers`, or a raise passes `headers=`."""

    status_code: int = 400
    headers: Mapping[str, str] = {}

    def __init__(
        self,
        detail: str,
        *,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code
        self.extra = extra or {}
        if headers is not None:
            self.headers = {**type(self).headers, **headers}

    @property
    def name(self) -> str:
        return type(self).__name__


class BadRequest(ResidentIdError):
    status_code = 400


class NotAuthenticated(ResidentIdError):
    status_code = 401
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(ResidentIdError):
    status_code = 403


class NotFound(ResidentIdError):
    status_code = 404


class Conflict(ResidentIdError):
    status_code = 409


class Unprocessable(ResidentIdError):
    status_code = 422


class TooManyRequests(ResidentIdError):
    """Raise with `headers={"Retry-After": seconds}`."""

    status_code = 429


PROBLEM_JSON = "application/problem+json"


def problem_type(error: str) -> str:
    return f"urn:resident-id:problem:{error}"


def problem_title(error: str) -> str:
    """ "CardRevoked" -> "Card revoked"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", error).split()
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else error


class ErrorBody(BaseModel):
    """The one error shape every route answers with: an RFC 9457 problem, plus `error` (the
    problem's name, as older clients read it). Validation errors keep `detail` as the list of
    offending fields."""

    type: str
    title: str
    status: int
    error: str
    detail: str | list[Any]


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route: each listed status documented with the error shape."""
    return {
        status: {"model": ErrorBody, "content": {PROBLEM_JSON: {"schema": _ERROR_REF}}}
        for status in statuses
    }


_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
