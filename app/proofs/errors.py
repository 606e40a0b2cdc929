"""Why a proof check or a pre-check is refused. No message ever repeats what was submitted."""

from __future__ import annotations

from app.kit.errors import Conflict, NotFound, Unprocessable


class UnknownDocument(Unprocessable):
    pass


class DocumentDateRequired(Unprocessable):
    pass


class DocumentDateInFuture(Unprocessable):
    pass


class DocumentTooOld(Unprocessable):
    pass


class ProofCheckNotFound(NotFound):
    pass


class ApplicationClosed(Conflict):
    pass
