"""Stored-value fixtures: a clerk at a branch, merchants with keys, a card and its signed QR."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.cards.credentials import qr_text_for
from app.cards.models import Card
from app.keys import service as keys
from app.kit.types import utcnow
from tests.support.builders import make_card, make_merchant
from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey, load

BRANCH = "main-library"
# Cards were issued a while ago: an offline meter's charge from hours back postdates the card.
ISSUED = utcnow() - timedelta(days=30)


def holder_of(session: Session, card: Card) -> Holder:
    """The card with its signed QR; committed, so the test holds no transaction afterwards."""
    number, card_id, applicant_id = card.number, card.id, card.applicant_id
    keys.ensure_signing_key(session, actor="test")
    qr = qr_text_for(session, card)
    session.commit()
    return Holder(number=number, card_id=card_id, applicant_id=applicant_id, qr=qr)


@pytest.fixture
def clerk(login: Callable[..., Headers]) -> Headers:
    return login("clerk", branch=BRANCH)


@pytest.fixture
def holder(session: Session) -> Holder:
    return holder_of(session, make_card(session, issued_at=ISSUED))


@pytest.fixture
def new_holder(session: Session) -> Callable[[], Holder]:
    def _new() -> Holder:
        return holder_of(session, make_card(session, issued_at=ISSUED))

    return _new


@pytest.fixture
def library() -> MerchantKey:
    return MerchantKey.of(*make_merchant(name="Ives Memorial Library", category="library"))


@pytest.fixture
def parking_operator() -> MerchantKey:
    return MerchantKey.of(*make_merchant(name="Downtown Parking", category="parking"))


@pytest.fixture
def loaded(client: TestClient, clerk: Headers, holder: Holder) -> Callable[[int], Holder]:
    """`loaded(cents)`: the holder's card with that much loaded at the counter."""

    def _loaded(cents: int) -> Holder:
        response = load(client, clerk, holder.number, cents)
        assert response.status_code == 201, response.text
        return holder

    return _loaded
