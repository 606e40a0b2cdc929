"""Driving the merchant desk through the app's TestClient as a browser would."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.merchants.models import Merchant
from tests.support.builders import TEST_PASSWORD, make_desk_staff, make_merchant
from tests.support.console import csrf_of


def desk_signed_in(client: TestClient, merchant: Merchant | None = None) -> Merchant:
    """Sign a new desk account of the merchant (a new library when none) in; answers the merchant."""
    merchant = merchant or make_merchant()[0]
    staff = make_desk_staff(merchant)
    page = client.get("/merchant/sign-in")
    answer = client.post(
        "/merchant/sign-in",
        data={"username": staff.username, "password": TEST_PASSWORD, "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/merchant/"
    return merchant
