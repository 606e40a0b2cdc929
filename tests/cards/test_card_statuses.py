"""Card and print-job statuses as the API publishes them, and the one judgement of whether a card
can be used (app.cards.validity), as a pure function of the card's row and a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import get_args

import pytest

from app.cards.models import Card, CardStatus
from app.cards.printing.models import PrintJobStatus
from app.cards.printing.schemas import PublishedPrintJobStatus
from app.cards.schemas import PublishedCardStatus
from app.cards.validity import CardUse, effective_status, usable

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_the_published_statuses_are_the_enums() -> None:
    assert get_args(PublishedCardStatus) == tuple(CardStatus)
    assert get_args(PublishedPrintJobStatus) == tuple(PrintJobStatus)


def _card(status: CardStatus, **fields: object) -> Card:
    values: dict[str, object] = {
        "expires_on": date(2030, 1, 1),
        "activated_at": NOW - timedelta(days=30),
        "revoked_at": None,
        **fields,
    }
    return Card(status=status, **values)


@pytest.mark.parametrize(
    ("card", "use"),
    [
        (_card(CardStatus.ACTIVE), CardUse.USABLE),
        (_card(CardStatus.ACTIVE, expires_on=date(2026, 5, 31)), CardUse.EXPIRED),
        # Expired first, as the offline verifier answers, even when also revoked.
        (
            _card(CardStatus.REVOKED, expires_on=date(2026, 5, 31), revoked_at=NOW),
            CardUse.EXPIRED,
        ),
        (_card(CardStatus.REVOKED, revoked_at=NOW - timedelta(hours=1)), CardUse.REVOKED),
        # Revoked after the moment judged: still good then (an offline charge uploaded later).
        (_card(CardStatus.REVOKED, revoked_at=NOW + timedelta(hours=1)), CardUse.USABLE),
        (_card(CardStatus.PENDING_PRINT, activated_at=None), CardUse.NOT_ISSUED),
        (_card(CardStatus.REVOKED, activated_at=None, revoked_at=NOW), CardUse.REVOKED),
    ],
)
def test_usable_judges_a_card_as_it_stood_at_the_moment(card: Card, use: CardUse) -> None:
    assert usable(card, NOW) == use


def test_the_counter_reads_expired_from_the_date_but_revoked_stays_revoked() -> None:
    today = NOW.date()
    assert effective_status(_card(CardStatus.ACTIVE, expires_on=today), today) == "active"
    past = today - timedelta(days=1)
    assert effective_status(_card(CardStatus.ACTIVE, expires_on=past), today) == "expired"
    assert effective_status(_card(CardStatus.PENDING_PRINT, expires_on=past), today) == "expired"
    assert effective_status(_card(CardStatus.REVOKED, expires_on=past), today) == "revoked"
