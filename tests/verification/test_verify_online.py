"""Online verification through HTTP: what a merchant's scanner is told, and what is kept."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.cards.credentials import qr_text_for
from app.cards.models import Card
from app.kit.types import utcnow
from app.verification.models import VerificationCount
from app.verification.service import check_card_qr
from cards.credential import issue_qr
from cards.keys import SigningKey
from tests.support.http import Headers, Login
from tests.support.verification import claims, current_key, signed_card

HOLDER_FIELDS = {"given_name", "family_name", "date_of_birth", "expires_on"}


def _verify(client: TestClient, headers: Headers, qr: str) -> dict[str, object]:
    response = client.post("/v1/verify", json={"qr": qr}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_printed_card_verifies_with_what_the_card_prints_and_nothing_more(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    card, qr = signed_card(session)
    body = _verify(client, merchant, qr)
    assert body == {
        "status": "valid",
        "given_name": "Ánh",
        "family_name": "Nguyễn",
        "date_of_birth": "1990-04-12",
        "expires_on": card.expires_on.isoformat(),
    }


def test_a_scanner_adding_a_newline_still_verifies(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    _card, qr = signed_card(session)
    assert _verify(client, merchant, qr + "\r\n")["status"] == "valid"


def test_a_card_reported_lost_is_revoked_at_once(
    client: TestClient, session: Session, merchant: Headers, login: Login
) -> None:
    card, qr = signed_card(session)
    assert _verify(client, merchant, qr)["status"] == "valid"
    lost = client.post(
        f"/v1/cards/{card.number}/revoke", json={"reason": "lost"}, headers=login("clerk")
    )
    assert lost.status_code == 200, lost.text
    body = _verify(client, merchant, qr)
    assert body["status"] == "revoked"
    # The signature is good, so the merchant sees whose card it is; never why it was revoked.
    assert set(body) == {"status", *HOLDER_FIELDS}


def test_a_replaced_card_is_revoked_and_its_replacement_is_not_valid_until_printed(
    client: TestClient, session: Session, merchant: Headers, login: Login
) -> None:
    card, qr = signed_card(session)
    replaced = client.post(
        f"/v1/cards/{card.number}/replace", json={"reason": "stolen"}, headers=login("clerk")
    )
    assert replaced.status_code == 201, replaced.text
    assert _verify(client, merchant, qr)["status"] == "revoked"
    successor = session.scalars(
        sa.select(Card).where(Card.number == replaced.json()["number"])
    ).one()
    new_qr = qr_text_for(session, successor)
    session.commit()
    assert _verify(client, merchant, new_qr) == {
        "status": "invalid",
        "reason": "not_issued",
        "given_name": "Ánh",
        "family_name": "Nguyễn",
        "date_of_birth": "1990-04-12",
        "expires_on": card.expires_on.isoformat(),
    }


def test_a_card_not_yet_printed_is_invalid(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    _card, qr = signed_card(session, status="pending_print")
    body = _verify(client, merchant, qr)
    assert body["status"] == "invalid"
    assert body["reason"] == "not_issued"


def test_an_expired_card_is_expired(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    expired_on = utcnow().date() - timedelta(days=3)
    _card, qr = signed_card(session, expires_on=expired_on)
    body = _verify(client, merchant, qr)
    assert body["status"] == "expired"
    assert body["expires_on"] == expired_on.isoformat()
    assert "reason" not in body


def test_a_card_signed_by_the_city_but_not_on_record_is_invalid(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    signed_card(session)
    qr = issue_qr(claims(), current_key(session))
    body = _verify(client, merchant, qr)
    assert body["status"] == "invalid"
    assert body["reason"] == "unknown_card"


def test_a_forged_card_shows_no_name(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    signed_card(session)
    body = _verify(client, merchant, issue_qr(claims(), SigningKey.generate()))
    assert body == {"status": "invalid", "reason": "unknown_key"}


def test_verifying_leaves_no_trace_of_the_card(
    client: TestClient, session: Session, merchant: Headers
) -> None:
    card, qr = signed_card(session)
    events_before = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for _ in range(3):
        _verify(client, merchant, qr)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events_before
    # The only table verification writes holds counts, not cards.
    columns = set(VerificationCount.__table__.columns.keys())
    assert columns == {"merchant_id", "day", "valid", "revoked", "expired", "invalid"}


def test_check_card_qr_gives_payments_the_card_only_for_a_good_signature(
    session: Session,
) -> None:
    card, qr = signed_card(session)
    good = check_card_qr(session, qr)
    assert good.status == "valid"
    assert good.card is not None
    assert good.card.id == card.id
    assert good.given_name == "Ánh"
    forged = check_card_qr(session, qr[:-4])
    assert forged.status == "invalid"
    assert forged.card is None
    assert forged.given_name is None
    unknown = check_card_qr(session, issue_qr(claims(), current_key(session)))
    assert unknown.card is None
    assert unknown.reason == "unknown_card"
    # An expiry is judged at the time asked about: the day after the card's last day.
    the_day_after = datetime.combine(card.expires_on + timedelta(days=1), time(12), tzinfo=UTC)
    late = check_card_qr(session, qr, now=the_day_after)
    assert late.status == "expired"
    assert late.card is not None
    session.rollback()


def test_only_merchants_verify(client: TestClient, session: Session, login: Login) -> None:
    _card, qr = signed_card(session)
    assert client.post("/v1/verify", json={"qr": qr}).status_code == 401
    for role in ("clerk", "admin"):
        refused = client.post("/v1/verify", json={"qr": qr}, headers=login(role))
        assert refused.status_code == 403
    wrong_key = {"Authorization": "Bearer rid_mk_" + "A" * 43}
    assert client.post("/v1/verify", json={"qr": qr}, headers=wrong_key).status_code == 401


def test_check_card_qr_judges_the_card_as_it_stood_at_the_time_asked_about(
    client: TestClient, session: Session, login: Login
) -> None:
    # An offline parking meter uploads a charge made before the card was reported stolen.
    card, qr = signed_card(session)
    used_at = utcnow()
    stolen = client.post(
        f"/v1/cards/{card.number}/revoke", json={"reason": "stolen"}, headers=login("clerk")
    )
    assert stolen.status_code == 200, stolen.text
    session.expire_all()  # this test's session read the card before it was revoked
    assert check_card_qr(session, qr, now=used_at).status == "valid"
    assert check_card_qr(session, qr).status == "revoked"
    session.rollback()
