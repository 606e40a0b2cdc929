"""Why a card operation is refused."""

from __future__ import annotations

from datetime import date

from app.kit.errors import Conflict, NotFound


class CardNotFound(NotFound):
    pass


class CardRevoked(Conflict):
    pass


class CardExpired(Conflict):
    pass


class CardNotPrinted(Conflict):
    pass


class CardSuperseded(Conflict):
    pass


class PrintJobOpen(Conflict):
    pass


class OutsideRenewalWindow(Conflict):
    """Renewal is open only around the expiry; the answer carries the window's dates."""

    def __init__(self, number: str, opens: date, closes: date) -> None:
        super().__init__(
            f"card {number} can be renewed from {opens.isoformat()} to {closes.isoformat()}",
            extra={"window_opens": opens.isoformat(), "window_closes": closes.isoformat()},
        )
