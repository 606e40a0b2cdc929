"""Why an applicant operation is refused."""

from __future__ import annotations

from app.kit.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable


class ApplicantNotFound(NotFound):
    pass


class PhotoNotFound(NotFound):
    pass


class PhotoNotInPrintQueue(Forbidden):
    """The printer role reads a photo only while a card of its holder waits to be printed."""


class SignatureNotFound(NotFound):
    pass


class PhotoTooLarge(BadRequest):
    status_code = 413


class NotAnImage(Unprocessable):
    pass


class SearchTooBroad(Unprocessable):
    pass


class AlreadyApproved(Conflict):
    pass


class AlreadyDenied(Conflict):
    pass


class RequirementsNotMet(Conflict):
    """Approval refused: the answer lists every unmet requirement, not just the first."""


class WaiverNotApplicable(Unprocessable):
    pass


class SelfApprovalRefused(Forbidden):
    """The clerk who registered an applicant asked to approve them (RESIDENT_ID_ALLOW_SELF_APPROVAL)."""


class FeeSettlementUnclear(Unprocessable):
    """Cash and a waiver at once, or a waiver without its reason."""
