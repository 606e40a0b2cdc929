"""The merchant desk over HTTP: sign-in, the scan page's three inputs, charge, refund, CSV."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import settings
from cards.numbers import grouped
from tests.support.builders import TEST_PASSWORD, make_desk_staff, make_merchant
from tests.support.console import csrf_of, post_form, text_of
from tests.support.desk import desk_signed_in
from tests.support.http import Headers
from tests.support.ledger_http import load
from tests.support.verification import signed_card


def _charge_form(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'name="(qr|idempotency_key|csrf_token)" value="([^"]*)"', page))
    assert set(fields) == {"qr", "idempotency_key", "csrf_token"}, page[:300]
    return fields


def test_the_desk_asks_merchant_staff_to_sign_in(client: TestClient) -> None:
    answer = client.get("/merchant/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/merchant/sign-in?next=%2Fmerchant%2F")


def test_a_wrong_password_is_refused_and_staff_accounts_are_not_desk_accounts(
    client: TestClient,
) -> None:
    merchant = make_merchant()[0]
    staff = make_desk_staff(merchant)
    page = client.get("/merchant/sign-in")
    wrong = client.post(
        "/merchant/sign-in",
        data={"username": staff.username, "password": "nope" * 4, "csrf_token": csrf_of(page)},
    )
    assert wrong.status_code == 401
    assert "Wrong username or password." in text_of(wrong)
    # A desk account has no way into the API: the token endpoint does not know it.
    token = client.post(
        "/v1/auth/token", data={"username": staff.username, "password": TEST_PASSWORD}
    )
    assert token.status_code == 401


def test_wedge_input_of_a_real_cards_qr_shows_valid_with_what_the_card_prints(
    client: TestClient, session: Session
) -> None:
    card, qr = signed_card(session)
    desk_signed_in(client)
    # A keyboard-wedge scanner types the QR text and presses Enter: the form posts.
    answer = post_form(client, "/merchant/", "/merchant/verify", {"qr": qr})
    assert answer.status_code == 200
    text = text_of(answer)
    assert "Valid" in text
    assert "Ánh Nguyễn" in text
    assert "April 12, 1990" in text
    # What the card prints, nothing more: never its address.
    assert "Church" not in text


def test_typed_number_and_date_of_birth(client: TestClient, session: Session) -> None:
    card, _ = signed_card(session)
    desk_signed_in(client)
    data = {"number": grouped(card.number), "date_of_birth": "1990-04-12"}
    answer = post_form(client, "/merchant/", "/merchant/verify-number", data)
    assert answer.status_code == 200
    assert "Valid" in text_of(answer)
    assert "Ánh Nguyễn" in text_of(answer)
    wrong = post_form(
        client, "/merchant/", "/merchant/verify-number", {**data, "date_of_birth": "1990-04-13"}
    )
    assert "Not valid" in text_of(wrong)
    assert "Ánh" not in text_of(wrong)


def test_a_revoked_card_shows_revoked(client: TestClient, session: Session) -> None:
    _, qr = signed_card(session, status="revoked")
    desk_signed_in(client)
    answer = post_form(client, "/merchant/", "/merchant/verify", {"qr": qr})
    assert "Revoked" in text_of(answer)
    assert 'action="/merchant/charge"' not in answer.text


def test_the_desk_shares_its_merchants_rate_limit_and_counts(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, qr = signed_card(session)
    merchant, headers = make_merchant()
    desk_signed_in(client, merchant)
    monkeypatch.setattr(settings, "verify_rate_per_minute", 2)
    first = post_form(client, "/merchant/", "/merchant/verify", {"qr": qr})
    assert first.status_code == 200, first.text
    assert client.post("/v1/verify", json={"qr": qr}, headers=headers).status_code == 200
    answer = post_form(client, "/merchant/", "/merchant/verify", {"qr": qr})
    assert answer.status_code == 429
    counts = client.get("/v1/verify/counts", headers=headers).json()["items"]
    assert sum(day["valid"] for day in counts) == 2


def test_charge_twice_from_one_form_charges_once_then_refund_by_receipt_and_csv(
    client: TestClient, session: Session, login: Callable[..., Headers]
) -> None:
    card, qr = signed_card(session)
    assert load(client, login("clerk"), card.number, 2000).status_code == 201
    desk_signed_in(client)
    result = post_form(client, "/merchant/", "/merchant/verify", {"qr": qr})
    form = {
        **_charge_form(result.text),
        "amount": "2.50",
        "purpose": "library_fine",
        "reference": "FINE-42",
    }
    first = client.post("/merchant/charge", data=form)
    assert first.status_code == 200, text_of(first)
    again = client.post("/merchant/charge", data=form)
    receipt = re.search(r"R[2-9A-HJ-NP-Z]{11}", text_of(first))
    assert receipt
    assert receipt.group(0) in text_of(again)
    assert "$17.50" in text_of(first)

    refund = post_form(
        client,
        "/merchant/refund",
        "/merchant/refund",
        {
            "receipt_number": receipt.group(0).lower(),
            "amount": "1.00",
            "idempotency_key": "desk-refund-1",
        },
    )
    assert refund.status_code == 200, text_of(refund)
    assert "$1.50" in text_of(refund)

    day = client.get("/merchant/charges")
    assert "$2.50" in text_of(day)
    assert "$1.50" in text_of(day)  # net
    rows = list(csv.reader(io.StringIO(client.get("/merchant/charges.csv").text)))
    assert rows[0] == ["receipt_number", "at", "purpose", "reference", "amount", "refunded"]
    assert len(rows) == 2
    assert rows[1][0] == receipt.group(0)
    assert rows[1][4:] == ["2.50", "1.00"]


def test_a_charge_the_balance_will_not_cover_says_so_and_keeps_the_form(
    client: TestClient, session: Session
) -> None:
    _, qr = signed_card(session)
    desk_signed_in(client)
    result = post_form(client, "/merchant/", "/merchant/verify", {"qr": qr})
    form = {**_charge_form(result.text), "amount": "5", "purpose": "parking", "reference": "P-1"}
    answer = client.post("/merchant/charge", data=form)
    assert answer.status_code == 402
    assert "balance is too low" in text_of(answer)
    assert 'value="P-1"' in answer.text


def test_another_merchants_receipt_cannot_be_refunded(
    client: TestClient, session: Session, login: Callable[..., Headers]
) -> None:
    card, qr = signed_card(session)
    assert load(client, login("clerk"), card.number, 1000).status_code == 201
    other = make_merchant(name="Downtown Parking", category="parking")[1]
    charged = client.post(
        "/v1/charges",
        json={"qr": qr, "amount_cents": 300, "purpose": "parking", "reference": "Z1"},
        headers={**other, "Idempotency-Key": "k-other-1"},
    )
    assert charged.status_code == 201
    desk_signed_in(client)
    answer = post_form(
        client,
        "/merchant/refund",
        "/merchant/refund",
        {
            "receipt_number": charged.json()["receipt_number"],
            "amount": "3",
            "idempotency_key": "k2",
        },
    )
    assert answer.status_code == 422
    assert "only the place that charged may refund it" in text_of(answer)


def test_spanish_desk(client: TestClient, session: Session) -> None:
    _, qr = signed_card(session, status="revoked")
    client.cookies.set("rid_lang", "es")
    desk_signed_in(client)
    assert "Escanear una tarjeta" in text_of(client.get("/merchant/"))
    answer = post_form(client, "/merchant/", "/merchant/verify", {"qr": qr})
    assert "Revocada" in text_of(answer)


def test_sign_out_ends_the_session(client: TestClient) -> None:
    desk_signed_in(client)
    post_form(client, "/merchant/", "/merchant/sign-out", {})
    assert client.get("/merchant/", follow_redirects=False).status_code == 303


def test_cli_adds_a_desk_account_reading_the_password_from_stdin(
    cli_env: dict[str, str], client: TestClient
) -> None:
    merchant = make_merchant()[0]
    done = subprocess.run(
        [".venv/bin/resident-id", "merchants", "staff", "add", merchant.id, "ives-desk"],
        input=TEST_PASSWORD + "\n",
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = client.get("/merchant/sign-in")
    answer = client.post(
        "/merchant/sign-in",
        data={"username": "ives-desk", "password": TEST_PASSWORD, "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_admin_api_adds_and_lists_desk_accounts(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    merchant = make_merchant()[0]
    admin = login("admin")
    made = client.post(
        f"/v1/merchants/{merchant.id}/staff",
        json={"username": "Parking-Desk", "password": TEST_PASSWORD},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert made.json()["username"] == "parking-desk"
    listed = client.get(f"/v1/merchants/{merchant.id}/staff", headers=admin).json()["items"]
    assert [s["username"] for s in listed] == ["parking-desk"]


def test_the_desk_serves_its_service_worker_under_its_own_path(client: TestClient) -> None:
    worker = client.get("/merchant/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "/v1/keys" in worker.text


def test_only_the_scan_page_may_compile_webassembly(client: TestClient) -> None:
    desk_signed_in(client)
    assert "'wasm-unsafe-eval'" in client.get("/merchant/").headers["content-security-policy"]
    charges = client.get("/merchant/charges").headers["content-security-policy"]
    assert "wasm-unsafe-eval" not in charges


def test_repeated_wrong_passwords_are_throttled_as_staff_sign_ins_are(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "sign_in_free_failures", 2)
    staff = make_desk_staff(make_merchant()[0])
    page = client.get("/merchant/sign-in")
    form = {"username": staff.username, "password": "wrong" * 3, "csrf_token": csrf_of(page)}
    statuses = [client.post("/merchant/sign-in", data=form).status_code for _ in range(3)]
    assert statuses[-1] == 429
    right = client.post("/merchant/sign-in", data={**form, "password": TEST_PASSWORD})
    assert right.status_code == 429


def test_disabling_the_merchant_ends_its_desk_sessions(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    merchant = desk_signed_in(client)
    assert client.get("/merchant/", follow_redirects=False).status_code == 200
    disabled = client.post(f"/v1/merchants/{merchant.id}/disable", headers=login("admin"))
    assert disabled.status_code == 200
    assert client.get("/merchant/", follow_redirects=False).status_code == 303
