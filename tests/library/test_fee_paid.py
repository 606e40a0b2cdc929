"""Fines paid with the card reach the library's system exactly once (Fee Paid, 37/38), through
the outbox and its worker, across outages, garbled answers, slow answers and restarts. Every
test ends with `ledger check` holding and the library's record agreeing with ours."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.library.conftest import FEES, LATE, LEASE_SECONDS
from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey, balance
from tests.support.library import (
    assert_books_agree,
    charge_fine,
    pay_fines,
    report,
    worker_once,
)
from tests.support.sip2_library import TestLibrary


def test_paying_two_fines_in_one_go(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
    sip2_env: dict[str, str],
) -> None:
    patron = funded(1000)
    (f1, c1, _), (f2, c2, _) = FEES
    paid = pay_fines(client, desk.headers, patron.qr, [(f1, c1), (f2, c2)])
    assert paid.status_code == 201, paid.text
    body = paid.json()
    assert [c["library_fee_id"] for c in body["charges"]] == [f1, f2]
    assert body["total_cents"] == c1 + c2
    assert body["balance_cents"] == 1000 - c1 - c2 == balance(client, auditor, patron.number)
    # Committed with the charges, not yet sent.
    assert report(client, auditor)["totals"]["pending"] == {"count": 2, "cents": c1 + c2}
    assert sip2.booked() == []

    assert worker_once(sip2_env) == "accepted 2, refused 0, found paid 0, failed 0"

    receipts = {c["receipt_number"]: c for c in body["charges"]}
    booked = sip2.booked()
    assert sorted(b.transaction_id for b in booked) == sorted(receipts)
    for b in booked:
        assert b.patron == patron.number
        assert (b.fee_id, b.amount_cents) == (
            receipts[b.transaction_id]["library_fee_id"],
            receipts[b.transaction_id]["amount_cents"],
        )
        assert (b.payment_type, b.currency) == ("09", "USD")
    assert sip2.outstanding(patron.number) == {}
    ours = report(client, auditor)
    assert ours["totals"]["accepted"] == {"count": 2, "cents": c1 + c2}
    assert ours["totals"]["sent"]["count"] == 2
    assert {p["settled_by"] for p in ours["payments"]} == {"answer"}
    # A second pass finds nothing to send.
    assert worker_once(sip2_env) == "accepted 0, refused 0, found paid 0, failed 0"
    assert_books_agree(sip2, ours)


def test_a_charge_naming_a_fee_and_a_partial_payment(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    patron = funded(1000)
    fee_id, cents, _ = FEES[0]
    response = charge_fine(client, desk.headers, patron.qr, fee_id, 200)
    assert response.status_code == 201, response.text
    assert worker_once().startswith("accepted 1,")
    assert sip2.outstanding(patron.number)[fee_id] == cents - 200
    (booked,) = sip2.booked()
    assert booked.transaction_id == response.json()["receipt_number"]
    assert_books_agree(sip2, report(client, auditor))


def test_library_down_during_payment_then_back_is_paid_once(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    patron = funded(1000)
    fee_id, cents, _ = FEES[0]
    sip2.stop()
    assert charge_fine(client, desk.headers, patron.qr, fee_id, cents).status_code == 201
    assert worker_once() == "accepted 0, refused 0, found paid 0, failed 1"
    waiting = report(client, auditor)
    (payment,) = waiting["payments"]
    assert payment["status"] == "pending"
    assert "cannot reach the library system" in payment["last_error"]
    assert_books_agree(sip2, waiting)

    sip2.start()
    time.sleep(0.5)  # the backoff after one failure is 0.1 s
    assert worker_once() == "accepted 1, refused 0, found paid 0, failed 0"
    assert worker_once() == "accepted 0, refused 0, found paid 0, failed 0"
    assert len(sip2.booked()) == 1
    ours = report(client, auditor)
    assert ours["payments"][0]["status"] == "accepted"
    assert ours["sent_more_than_once"] == []
    assert_books_agree(sip2, ours)


def test_a_refusal_is_recorded_and_waits_for_staff(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    login: Callable[..., Headers],
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    patron = funded(1000)
    fee_id, cents, _ = FEES[0]
    charged = charge_fine(client, desk.headers, patron.qr, fee_id, cents).json()
    sip2.state.refuse_next = "Patron account is locked"
    assert worker_once() == "accepted 0, refused 1, found paid 0, failed 0"
    ours = report(client, auditor)
    (refused,) = ours["refused_waiting"]
    assert refused["receipt_number"] == charged["receipt_number"]
    assert refused["screen_message"] == "Patron account is locked"
    assert ours["totals"]["refused"] == {"count": 1, "cents": cents}
    # Not silently kept, not silently given back: the money stays charged until staff decide.
    assert balance(client, auditor, patron.number) == 1000 - cents
    assert worker_once().startswith("accepted 0, refused 0,")
    assert_books_agree(sip2, ours)

    # Staff fixed the account at the library and send it again, under the same transaction id.
    supervisor = login("supervisor")
    retried = client.post(f"/v1/library/payments/{refused['id']}/retry", headers=supervisor)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "pending"
    again = client.post(f"/v1/library/payments/{refused['id']}/retry", headers=supervisor)
    assert again.status_code == 409
    assert worker_once().startswith("accepted 1,")
    (booked,) = sip2.booked()
    assert booked.transaction_id == charged["receipt_number"]
    settled = report(client, auditor)
    assert settled["refused_waiting"] == []
    assert_books_agree(sip2, settled)


def test_a_refused_payment_refunded_leaves_the_waiting_list(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    patron = funded(1000)
    fee_id, cents, _ = FEES[1]
    charged = charge_fine(client, desk.headers, patron.qr, fee_id, cents).json()
    sip2.state.refuse_next = "Fee already paid at the desk"
    worker_once()
    refund = client.post(
        f"/v1/charges/{charged['id']}/refunds",
        json={"amount_cents": cents},
        headers={**desk.headers, "Idempotency-Key": "refund-1"},
    )
    assert refund.status_code == 201, refund.text
    ours = report(client, auditor)
    assert ours["refused_waiting"] == []
    # The library never booked it, so there is nothing for its staff to reverse.
    assert ours["refunds_to_reverse"] == []
    assert_books_agree(sip2, ours)


def test_a_garbled_answer_to_fee_paid_is_asked_for_again_not_paid_twice(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    patron = funded(1000)
    fee_id, cents, _ = FEES[0]
    charge_fine(client, desk.headers, patron.qr, fee_id, cents)
    # The answers to the login, to the fines lookup before the first send and to Fee Paid.
    sip2.state.garble_replies = 3
    assert worker_once() == "accepted 1, refused 0, found paid 0, failed 0"
    assert sip2.received() == ["93", "97", "63", "97", "37", "97"]
    assert len(sip2.booked()) == 1
    assert_books_agree(sip2, report(client, auditor))


def test_a_slow_answer_past_the_timeout_is_paid_once(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
) -> None:
    patron = funded(1000)
    fee_id, cents, _ = FEES[0]
    charge_fine(client, desk.headers, patron.qr, fee_id, cents)
    sip2.state.fee_paid_delay = LATE  # booked at once, answered after the read timeout
    assert worker_once() == "accepted 0, refused 0, found paid 0, failed 1"
    assert len(sip2.booked()) == 1
    sip2.state.fee_paid_delay = 0.0
    # After the lease, the worker asks the library's fee record before it would send again.
    time.sleep(LEASE_SECONDS)
    assert worker_once() == "accepted 0, refused 0, found paid 1, failed 0"
    assert len(sip2.booked()) == 1
    ours = report(client, auditor)
    (payment,) = ours["payments"]
    assert (payment["status"], payment["settled_by"], payment["sends"]) == ("accepted", "lookup", 1)
    assert ours["sent_more_than_once"] == []
    assert_books_agree(sip2, ours)
