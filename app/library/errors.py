"""The library domain's errors; each maps to the HTTP status a caller acts on."""

from __future__ import annotations

from app.kit.errors import Conflict, NotFound, ResidentIdError


class LibraryNotConnected(Conflict):
    """SIP2 is off in this deployment (RESIDENT_ID_SIP2_HOST is empty)."""


class LibraryUnavailable(ResidentIdError):
    """The library's system did not answer, answered too late, or answered what we cannot read."""

    status_code = 503


class NotALibrary(ResidentIdError):
    """Only a library's desk may look up library fines."""

    status_code = 403


class PatronNotKnown(NotFound):
    """The library's system has no patron with this card's barcode."""


class LibraryPaymentNotFound(NotFound):
    """No library payment has this id."""


class LibraryPaymentNotRefused(Conflict):
    """Only a payment the library refused is sent again."""
