"""Why the print queue refuses a request."""

from __future__ import annotations

from app.kit.errors import Conflict, NotFound


class PrintJobNotFound(NotFound):
    pass


class PrintJobAlreadyPrinted(Conflict):
    """The job was printed already: its card was activated once and is not activated again."""


class PrintJobCancelled(Conflict):
    """The card was revoked before it was printed: it must not be printed."""


class CardNotPrintable(Conflict):
    """The card behind a printed job is no longer valid, so no copy of it may be made."""
