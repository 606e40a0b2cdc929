"""The public revocation list: a signed IETF Token Status List (CWT), fetched over HTTP."""

from __future__ import annotations

from datetime import timedelta

import cbor2
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.cards.models import Card
from app.config import settings
from cards.credential import decode_qr
from cards.errors import StaleStatusList
from cards.keys import KeySet
from cards.status_list import verify_status_list_token
from cards.verifier import OfflineVerifier
from tests.support.http import Login
from tests.support.verification import signed_card

LIST_URI = f"{settings.public_base_url}/v1/status-lists/{settings.status_list_id}"


def _fetch(client: TestClient) -> bytes:
    # Public: no credentials, and the same request whichever card is being checked.
    response = client.get(f"/v1/status-lists/{settings.status_list_id}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/statuslist+cwt"
    return response.content


def _keys(client: TestClient) -> KeySet:
    return KeySet.from_jwks(client.get("/v1/keys").json())


def test_the_list_is_a_signed_cwt_with_the_claims_the_draft_names(
    client: TestClient, session: Session
) -> None:
    signed_card(session)
    token = _fetch(client)
    # Read with plain CBOR, independently of the code that wrote it.
    tagged = cbor2.loads(token)
    assert tagged.tag == 18
    protected, _unprotected, payload, signature = tagged.value
    assert cbor2.loads(protected)[1] == -8  # EdDSA
    assert cbor2.loads(protected)[16] == "application/statuslist+cwt"
    assert len(signature) == 64
    cwt = cbor2.loads(payload)
    assert set(cwt) == {2, 4, 6, 65533, 65534}
    assert cwt[2] == LIST_URI
    assert cwt[4] - cwt[6] == settings.status_list_lifetime_hours * 3600
    assert cwt[65534] == settings.status_list_ttl_seconds
    assert cwt[65533]["bits"] == 1
    assert isinstance(cwt[65533]["lst"], bytes)

    verified = verify_status_list_token(token, _keys(client))
    assert verified.uri == LIST_URI
    assert verified.statuses.size >= 131_072


def test_the_list_uri_is_the_one_in_every_cards_qr(client: TestClient, session: Session) -> None:
    _card, qr = signed_card(session)
    entry = decode_qr(qr).claims
    assert entry.status_list_uri == LIST_URI
    assert entry.status_list_uri.endswith(f"/v1/status-lists/{settings.status_list_id}")
    assert verify_status_list_token(_fetch(client), _keys(client)).uri == entry.status_list_uri


def test_a_revocation_shows_in_the_next_list_and_the_older_list_is_refused(
    client: TestClient, session: Session, login: Login
) -> None:
    lost, lost_qr = signed_card(session)
    kept, _kept_qr = signed_card(session)
    keys = _keys(client)
    before = _fetch(client)
    assert verify_status_list_token(before, keys).statuses.get(lost.status_index) == 0

    revoked = client.post(
        f"/v1/cards/{lost.number}/revoke", json={"reason": "lost"}, headers=login("clerk")
    )
    assert revoked.status_code == 200, revoked.text
    after = _fetch(client)
    statuses = verify_status_list_token(after, keys).statuses
    assert statuses.get(lost.status_index) == 1
    assert statuses.get(kept.status_index) == 0
    assert sum(statuses.get(i) for i in range(statuses.size)) == 1

    device = OfflineVerifier(keys)
    device.update_status_list(before)
    assert device.verify(lost_qr).status == "valid"
    device.update_status_list(after)
    assert device.verify(lost_qr).status == "revoked"
    # A replayed older list (one that still shows the card as good) is not taken.
    with pytest.raises(StaleStatusList):
        device.update_status_list(before)
    assert device.verify(lost_qr).status == "revoked"


def test_a_revocation_stamped_before_the_last_one_still_shows(
    client: TestClient, session: Session, login: Login
) -> None:
    """A worker whose clock runs behind stamps a revocation earlier than the last one: the list
    still changes (the fingerprint counts the revoked cards, not only the latest time)."""
    first, _ = signed_card(session)
    late, late_qr = signed_card(session)
    keys = _keys(client)

    def revoke(number: str) -> None:
        done = client.post(
            f"/v1/cards/{number}/revoke", json={"reason": "lost"}, headers=login("clerk")
        )
        assert done.status_code == 200, done.text

    revoke(first.number)
    before = _fetch(client)
    revoke(late.number)
    session.refresh(first)
    assert first.revoked_at is not None
    session.execute(
        sa.update(Card)
        .where(Card.id == late.id)
        .values(revoked_at=first.revoked_at - timedelta(minutes=5))
    )
    session.commit()

    after = _fetch(client)
    assert after != before
    assert verify_status_list_token(after, keys).statuses.get(late.status_index) == 1
    device = OfflineVerifier(keys)
    device.update_status_list(after)
    assert device.verify(late_qr).status == "revoked"


def test_a_card_given_an_index_past_the_lists_end_grows_the_list(
    client: TestClient, session: Session
) -> None:
    signed_card(session)
    keys = _keys(client)
    size = verify_status_list_token(_fetch(client), keys).statuses.size
    far, far_qr = signed_card(session, status_index=size + 100)

    statuses = verify_status_list_token(_fetch(client), keys).statuses
    assert statuses.size > far.status_index
    assert statuses.get(far.status_index) == 0
    device = OfflineVerifier(keys)
    device.update_status_list(_fetch(client))
    assert device.verify(far_qr).status == "valid"


def test_an_unchanged_list_is_served_from_cache(client: TestClient, session: Session) -> None:
    signed_card(session)
    assert _fetch(client) == _fetch(client)


def test_an_unknown_list_is_404(client: TestClient, session: Session) -> None:
    signed_card(session)
    response = client.get("/v1/status-lists/no-such-list")
    assert response.status_code == 404
    assert response.json()["error"] == "StatusListNotFound"
