"""One error base; the handler in app.main renders every error as an RFC 9457 problem.

An error answers `application/problem+json` with these members:

- `type`: `urn:resident-id:problem:<ErrorClass>`, one URI per error class, stable across releases
  (a URN: it names the problem and is not fetched; RFC 9457 section 3.1.1 allows that);
- `title`: a short phrase per class ("Card revoked"), the same for every occurrence;
- `status`: the HTTP status, repeated;
- `detail`: this occurrence in English (for a request validation error, the list of offending
  fields, as before);
- `error`: the name older clients read ("CardRevoked"); it stays even where a class was split
  into finer ones (a `UserNotFound` still says "NotFound");
- plus the members an error carries in `extra` (`retry_after`, `room_cents`, ...).

Domain errors live in their package's `errors.py` and subclass one of the status classes here;
a route names them in `responses=responses(CardNotFound, CardRevoked)`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:resident-id:problem:"


class ResidentIdError(Exception):
    """A domain error with the HTTP status it maps to, and the headers its answer carries
    (Retry-After, WWW-Authenticate): a subclass sets `headers`, or a raise passes `headers=`."""

    status_code: int = 400
    headers: Mapping[str, str] = {}
    # The `error` member; None: the class's name. Set where a finer class must keep the name
    # clients already match on.
    error: ClassVar[str | None] = None
    # The problem's title; None: derived from the class's name ("CardRevoked" -> "Card revoked").
    title: ClassVar[str | None] = None

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
        return type(self).error or type(self).__name__

    @classmethod
    def problem_type(cls) -> str:
        return PROBLEM_TYPE_PREFIX + cls.__name__

    @classmethod
    def problem_title(cls) -> str:
        return cls.title or _title(cls.__name__)


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


class RequestTooLarge(ResidentIdError):
    """A request body declared larger than the route takes (app.kit.bodylimit)."""

    status_code = 413


class DatabaseUnavailable(ResidentIdError):
    """The database connection was lost (a restart, a failover): nothing was done; retry."""

    status_code = 503
    headers = {"Retry-After": "1"}


class HTTPError(ResidentIdError):
    """What Starlette or FastAPI refuse before a route runs: an unknown path (404), a method the
    path does not serve (405), a body that cannot be parsed (400)."""

    title = "Request refused"


class ValidationError(Unprocessable):
    """The request does not match the route's schema; `detail` lists the offending fields."""

    title = "Request not valid"


class InternalError(ResidentIdError):
    """A bug: logged, answered without its details."""

    status_code = 500


class BadCursor(Unprocessable):
    """A paging cursor this server did not write (app.kit.paging)."""


def _title(name: str) -> str:
    """ "CardRevoked" -> "Card revoked", "NotALibrary" -> "Not a library"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name).split()
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name


def problem(exc: ResidentIdError, detail: str | list[Any] | None = None) -> dict[str, Any]:
    """The problem details body for an error; `detail` replaces the error's own (validation)."""
    return {
        "type": exc.problem_type(),
        "title": exc.problem_title(),
        "status": exc.status_code,
        "error": exc.name,
        "detail": exc.detail if detail is None else detail,
        **exc.extra,
    }


class ProblemDetails(BaseModel):
    """An RFC 9457 problem, plus `error` (the problem's name, as older clients read it). Some
    problems add members of their own (`retry_after`: seconds to wait)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        description=f"The problem's URI: `{PROBLEM_TYPE_PREFIX}` and the error's class name.",
        pattern=f"^{PROBLEM_TYPE_PREFIX}[A-Za-z0-9]+$",
    )
    title: str = Field(description="A short summary, the same for every occurrence of the type.")
    status: int = Field(description="The HTTP status code.")
    error: str = Field(description="The error's name (`CardRevoked`), kept for older clients.")
    detail: str | list[Any] = Field(
        description="This occurrence, in English; for a request that does not match the schema, "
        "the list of offending fields."
    )


# What every route behind a role guard (app.access) may answer.
GUARDED: tuple[type[ResidentIdError], ...] = (NotAuthenticated, Forbidden)

PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}


def responses(*errors: type[ResidentIdError] | int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route: the errors it can answer, by class (`CardNotFound`), or
    by bare status for errors not named yet; each status documented as a problem naming its
    errors and their types."""
    by_status: dict[int, list[type[ResidentIdError]]] = {}
    for error in errors:
        if isinstance(error, int):
            by_status.setdefault(error, [])
        elif error not in by_status.setdefault(error.status_code, []):
            by_status[error.status_code].append(error)
    return {
        status: {
            "description": "; ".join(
                f"{cls.problem_title()} (`{cls.error or cls.__name__}`, {cls.problem_type()})"
                for cls in classes
            )
            or HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
        }
        for status, classes in sorted(by_status.items())
    }
