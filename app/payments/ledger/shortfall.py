"""What offline parking left a cardholder owing (their shortfall receivable), and paying it back
out of money coming onto their card: a load or a refund."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.payments.ledger import accounts as ledger
from app.payments.ledger.accounts import Account, Leg
from app.payments.models import AccountKind, Side, TransferKind


def owed(session: Session, holder: str) -> int:
    """What the holder owes from offline parking, locking the shortfall row (after the stored
    value, as ledger/accounts.py orders locks)."""
    account = ledger.find(session, AccountKind.SHORTFALL, holder)
    return 0 if account is None else ledger.cached_balance(session, account, lock=True)


def recover_shortfall(
    session: Session, stored_value: Account, available: int, *, at: datetime
) -> int:
    """Pay back what offline parking left owing out of `available` cents just credited to the
    cardholder (a load or a refund); answers the cents recovered. The stored-value row must
    already be locked by the caller; the shortfall row is locked here, after it."""
    owed_account = ledger.find(session, AccountKind.SHORTFALL, stored_value.owner)
    if owed_account is None:
        return 0
    recovered = min(ledger.cached_balance(session, owed_account, lock=True), available)
    if recovered <= 0:
        return 0
    ledger.post(
        session,
        TransferKind.SHORTFALL_RECOVERY,
        [Leg(stored_value, Side.DEBIT, recovered), Leg(owed_account, Side.CREDIT, recovered)],
        at=at,
    )
    return recovered
