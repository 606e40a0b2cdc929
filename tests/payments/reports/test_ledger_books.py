"""The books read back: the cardholder's statement, a merchant's day, a branch drawer's day."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.payments.conftest import BRANCH
from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey, charge, load, refund


def test_the_statement_lists_every_movement_with_the_balance_after(
    client: TestClient, clerk: Headers, library: MerchantKey, holder: Holder
) -> None:
    load(client, clerk, holder.number, 2000)
    fine = charge(client, library.headers, holder.qr, 450, reference="FINE-7").json()
    refund(client, library.headers, fine["id"], 50)
    response = client.get(f"/v1/cards/{holder.number}/transactions", headers=clerk)
    assert response.status_code == 200, response.text
    statement = response.json()
    assert statement["balance_cents"] == 1600
    assert statement["owed_cents"] == 0
    assert statement["spent_today_cents"] == 450
    lines = statement["lines"]
    assert [
        (line["kind"], line["amount_cents"], line["balance_after_cents"]) for line in lines
    ] == [
        ("refund", 50, 1600),
        ("charge", -450, 1550),
        ("load", 2000, 2000),
    ]
    assert lines[1]["merchant_name"] == "Ives Memorial Library"
    assert lines[1]["purpose"] == "library_fine"
    assert lines[1]["reference"] == "FINE-7"
    assert lines[1]["receipt_number"] == fine["receipt_number"]
    assert lines[0]["receipt_number"] == fine["receipt_number"]
    assert lines[2]["branch"] == BRANCH
    assert statement["next_before"] is None


def test_the_statement_pages_from_newest_to_oldest(
    client: TestClient, clerk: Headers, holder: Holder
) -> None:
    for cents in (100, 200, 300, 400, 500):
        load(client, clerk, holder.number, cents)
    url = f"/v1/cards/{holder.number}/transactions"
    first = client.get(url, params={"limit": 2}, headers=clerk).json()
    assert [line["amount_cents"] for line in first["lines"]] == [500, 400]
    assert [line["balance_after_cents"] for line in first["lines"]] == [1500, 1000]
    second = client.get(
        url, params={"limit": 2, "before": first["next_before"]}, headers=clerk
    ).json()
    assert [line["amount_cents"] for line in second["lines"]] == [300, 200]
    assert [line["balance_after_cents"] for line in second["lines"]] == [600, 300]
    last = client.get(
        url, params={"limit": 2, "before": second["next_before"]}, headers=clerk
    ).json()
    assert [line["amount_cents"] for line in last["lines"]] == [100]
    assert last["next_before"] is None


def test_the_statement_pages_by_cursor_as_every_list_does(
    client: TestClient, clerk: Headers, holder: Holder
) -> None:
    for cents in (100, 200, 300):
        load(client, clerk, holder.number, cents)
    url = f"/v1/cards/{holder.number}/transactions"
    seen: list[int] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        page = client.get(url, params=params, headers=clerk).json()
        assert page["items"] == page["lines"]  # the old name stays until the next major version
        seen += [line["amount_cents"] for line in page["items"]]
        if page["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": page["next_cursor"]}
    assert seen == [300, 200, 100]
    for cursor in ("0", "x", "99999999999999999999"):
        refused = client.get(url, params={"cursor": cursor}, headers=clerk)
        assert refused.status_code == 422, refused.text


def test_reading_a_statement_is_in_the_audit_trail(
    client: TestClient, clerk: Headers, holder: Holder, login: Callable[..., Headers]
) -> None:
    client.get(f"/v1/cards/{holder.number}/transactions", headers=clerk)
    events = client.get(
        "/v1/audit",
        params={"subject": f"applicant:{holder.applicant_id}"},
        headers=login("auditor"),
    )
    assert events.status_code == 200, events.text
    assert "payment.statement.read" in [e["action"] for e in events.json()["items"]]


def test_a_merchant_sees_its_settlement_and_bookkeepers_see_any(
    client: TestClient,
    clerk: Headers,
    library: MerchantKey,
    login: Callable[..., Headers],
    loaded: Callable[[int], Holder],
) -> None:
    holder = loaded(5000)
    fines = [charge(client, library.headers, holder.qr, cents).json() for cents in (300, 700)]
    charge(client, library.headers, holder.qr, 1000, purpose="other", reference="BOOK-SALE")
    refund(client, library.headers, fines[1]["id"], 200)
    mine = client.get("/v1/settlements/mine", headers=library.headers)
    assert mine.status_code == 200, mine.text
    day = mine.json()
    assert (day["charges_count"], day["charged_cents"]) == (3, 2000)
    assert (day["refunds_count"], day["refunded_cents"]) == (1, 200)
    assert day["net_cents"] == 1800
    assert day["payable_balance_cents"] == 1800
    assert day["merchant_name"] == "Ives Memorial Library"
    assert day["by_purpose"] == [
        {"purpose": "library_fine", "count": 2, "cents": 1000},
        {"purpose": "other", "count": 1, "cents": 1000},
    ]
    for role in ("admin", "auditor"):
        seen = client.get(
            f"/v1/merchants/{library.id}/settlements",
            params={"date": day["date"]},
            headers=login(role),
        )
        assert seen.json() == day
    assert client.get(f"/v1/merchants/{library.id}/settlements", headers=clerk).status_code == 403
    other_day = client.get(
        f"/v1/merchants/{library.id}/settlements",
        params={"date": "2001-01-01"},
        headers=login("admin"),
    ).json()
    assert (other_day["charges_count"], other_day["charged_cents"]) == (0, 0)
    assert (
        client.get(
            "/v1/settlements/mine", params={"date": "yesterday"}, headers=library.headers
        ).status_code
        == 422
    )


def test_an_unknown_merchant_has_no_settlement(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    response = client.get("/v1/merchants/nobody/settlements", headers=login("auditor"))
    assert response.status_code == 404


def test_the_branch_drawer_holds_its_clerks_cash(
    client: TestClient,
    login: Callable[..., Headers],
    new_holder: Callable[[], Holder],
) -> None:
    first_clerk = login("clerk", branch="fair-haven")
    second_clerk = login("clerk", branch="fair-haven")
    elsewhere = login("clerk", branch="city-hall")
    one, two = new_holder(), new_holder()
    load(client, first_clerk, one.number, 2000)
    load(client, first_clerk, two.number, 500)
    load(client, second_clerk, one.number, 1000)
    load(client, elsewhere, two.number, 9000)
    supervisor = login("supervisor")
    response = client.get("/v1/branches/fair-haven/drawer", headers=supervisor)
    assert response.status_code == 200, response.text
    drawer = response.json()
    assert (drawer["loads_count"], drawer["loaded_cents"]) == (3, 3500)
    assert drawer["closing_cents"] - drawer["opening_cents"] == 3500
    assert sorted((c["loads_count"], c["loaded_cents"]) for c in drawer["by_clerk"]) == [
        (1, 1000),
        (2, 2500),
    ]
    audited = client.get("/v1/branches/city-hall/drawer", headers=login("auditor")).json()
    assert audited["loaded_cents"] == 9000
    assert client.get("/v1/branches/fair-haven/drawer", headers=first_clerk).status_code == 403
