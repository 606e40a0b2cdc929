"""The reconciliation's lists for staff: payments sent more than once under one transaction id,
refunds the library must reverse; and the charge inputs that are refused without a trace."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.config import settings
from app.db import session_factory
from app.library.models import LibraryPayment
from tests.library.conftest import FEES, LATE, LEASE_SECONDS
from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey, balance, with_key
from tests.support.library import (
    assert_books_agree,
    charge_fine,
    pay_fines,
    report,
    resident_id,
    worker_once,
)
from tests.support.sip2_library import TestLibrary


def test_a_payment_the_library_may_have_booked_twice_is_listed(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    """A library that lists no fine items cannot tell us whether a lost answer's payment was
    booked: the worker sends again (same BK), and the report names the payment for staff."""
    patron = funded(1000)
    fee_id, cents, _ = FEES[0]
    sip2.state.lists_fines = False
    charge_fine(client, desk.headers, patron.qr, fee_id, cents)
    sip2.state.fee_paid_delay = LATE
    assert worker_once() == "accepted 0, refused 0, found paid 0, failed 1"
    sip2.state.fee_paid_delay = 0.0
    time.sleep(LEASE_SECONDS)
    # Booked in full by the first send, so the library refuses the second: the fee is gone.
    assert worker_once() == "accepted 0, refused 1, found paid 0, failed 0"
    ours = report(client, auditor)
    (twice,) = ours["sent_more_than_once"]
    assert (twice["sends"], twice["answers"]) == (2, 1)
    assert {b.transaction_id for b in sip2.booked()} == {twice["receipt_number"]}
    (waiting,) = ours["refused_waiting"]
    assert waiting["screen_message"] == "No such fee for this patron"


def test_a_refund_of_an_accepted_fine_payment_is_listed_for_the_library_to_reverse(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    patron = funded(1000)
    fee_id, cents, _ = FEES[1]
    charged = charge_fine(client, desk.headers, patron.qr, fee_id, cents).json()
    worker_once()
    refund = client.post(
        f"/v1/charges/{charged['id']}/refunds",
        json={"amount_cents": 100},
        headers=with_key(desk.headers),
    )
    assert refund.status_code == 201, refund.text
    ours = report(client, auditor)
    (reverse,) = ours["refunds_to_reverse"]
    assert reverse == {
        "refund_id": refund.json()["id"],
        "charge_id": charged["id"],
        "receipt_number": charged["receipt_number"],
        "patron_barcode": patron.number,
        "fee_id": fee_id,
        "amount_cents": 100,
        "at": reverse["at"],
    }
    assert ours["payments"][0]["refunded_cents"] == 100
    assert_books_agree(sip2, ours)
    # The same report from the command line, for a supervisor without the API at hand.
    assert charged["receipt_number"] in resident_id("library", "report")


def _outbox() -> int:
    # A session of its own, closed at once: on SQLite an open one would hold the write lock.
    with session_factory()(expire_on_commit=True) as s:
        return s.scalar(sa.select(sa.func.count()).select_from(LibraryPayment)) or 0


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"purpose": "parking"}, "body"),
        ({"library_fee_id": "F|1"}, "library_fee_id"),
        ({"library_fee_id": ""}, "library_fee_id"),
        ({"library_fee_id": "x" * 65}, "library_fee_id"),
        ({"library_fee_id": 12}, "library_fee_id"),
    ],
)
def test_bad_fee_ids_are_refused_and_change_nothing(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    extra: dict[str, object],
    field: str,
) -> None:
    patron = funded(1000)
    response = charge_fine(client, desk.headers, patron.qr, "F-1001", 100, **extra)
    assert response.status_code == 422, response.text
    assert field in str(response.json()["detail"])
    assert balance(client, auditor, patron.number) == 1000
    assert _outbox() == 0


def test_a_fee_id_while_sip2_is_off_is_refused(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patron = funded(1000)
    monkeypatch.setattr(settings, "sip2_host", "")
    response = charge_fine(client, desk.headers, patron.qr, "F-1001", 100)
    assert response.status_code == 409
    assert response.json()["error"] == "LibraryNotConnected"
    assert balance(client, auditor, patron.number) == 1000
    assert _outbox() == 0


def test_fines_in_one_go_are_all_paid_or_none(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    patron = funded(400)
    (f1, c1, _), (f2, c2, _) = FEES
    short = pay_fines(client, desk.headers, patron.qr, [(f1, c1), (f2, c2)])
    assert short.status_code == 402, short.text
    assert balance(client, auditor, patron.number) == 400
    assert _outbox() == 0
    dup = pay_fines(client, desk.headers, patron.qr, [(f1, 100), (f1, 100)])
    assert dup.status_code == 422
    # The same request retried with its key is answered again, not paid again.
    first = pay_fines(client, desk.headers, patron.qr, [(f2, c2)], key="desk-1")
    again = pay_fines(client, desk.headers, patron.qr, [(f2, c2)], key="desk-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert balance(client, auditor, patron.number) == 400 - c2
    assert _outbox() == 1
    assert worker_once().startswith("accepted 1,")
    assert_books_agree(sip2, report(client, auditor))
