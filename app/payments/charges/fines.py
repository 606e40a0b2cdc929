"""Who hears that a charge paid a library fine.

Payments sits below the library: the library pays fines through charges, so charges may not
import the library back. Instead the library registers its reaction here when its package loads
(app/library/__init__.py), and a charge that names a library fee calls whoever registered."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cards.models import Card
from app.payments.schemas import ChargeRead

# (session, merchant, receipt, card, library fee id), in the charge's transaction: a listener
# that raises refuses the charge.
FinePaid = Callable[[Session, Principal, ChargeRead, Card, str], None]

_listeners: list[FinePaid] = []


def on_fine_paid(listener: FinePaid) -> None:
    """Call `listener` for every charge that pays a library fee (once, however often asked)."""
    if listener not in _listeners:
        _listeners.append(listener)


def fine_paid(
    session: Session, merchant: Principal, receipt: ChargeRead, card: Card, fee_id: str
) -> None:
    """Tell the listeners that `receipt` paid library fee `fee_id`."""
    if not _listeners:
        # Money would move with no Fee Paid ever sent: a wiring bug, not a refusal.
        raise RuntimeError("a library fee was charged but nothing listens: import app.library")
    for listener in _listeners:
        listener(session, merchant, receipt, card, fee_id)
