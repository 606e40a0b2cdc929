"""Why a payment is refused. Every refusal moves no money: the request's transaction rolls back."""

from __future__ import annotations

from app.kit.errors import BadRequest, Conflict, Forbidden, NotFound, ResidentIdError, Unprocessable
from app.verification.models import Outcome


class PaymentRequired(ResidentIdError):
    """402: the card cannot pay this amount now."""

    status_code = 402


class InsufficientBalance(PaymentRequired):
    pass


class DailySpendLimitReached(PaymentRequired):
    pass


class BalanceCapExceeded(Conflict):
    pass


class CardNotAccepted(Forbidden):
    """The QR is not a valid card: revoked, expired or not one we signed."""

    def __init__(self, card_status: Outcome, reason: str | None) -> None:
        super().__init__(
            f"the card is {card_status}: {reason}" if reason else f"the card is {card_status}",
            extra={"card_status": card_status},
        )
        self.card_status: Outcome = card_status


class IdempotencyKeyRequired(BadRequest):
    pass


class IdempotencyKeyReused(Unprocessable):
    pass


class ChargeNotFound(NotFound):
    pass


class NotYourCharge(Forbidden):
    pass


class RefundNotRefundable(Unprocessable):
    pass


class RefundExceedsCharge(Conflict):
    pass


class NotAParkingMerchant(Forbidden):
    pass


class ZoneNotFound(NotFound):
    pass


class ZoneClosed(Conflict):
    pass


class StayTooLong(Unprocessable):
    pass


class SessionNotFound(NotFound):
    pass


class SessionEnded(Conflict):
    pass


class OccurredAtRefused(Unprocessable):
    """An offline charge dated in the future, or older than meters may hold charges."""


class StayOverlaps(Conflict):
    """An offline stay overlaps another stay of the same card: one card parks once at a time."""


class OfflineDebtCapReached(PaymentRequired):
    """The card already owes as much from offline use as it may."""


class NotYourBranch(Forbidden):
    pass


class DayNotStarted(Unprocessable):
    pass


class DrawerAlreadyClosed(Conflict):
    pass


class LedgerBroken(Conflict):
    pass
