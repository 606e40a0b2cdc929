"""A person with a single name registers: the name is the family name, the given name empty."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.applicants.models import Applicant
from tests.support.applicants import applicant_body, register, rows_of
from tests.support.builders import make_applicant, make_merchant
from tests.support.http import Login
from tests.support.verification import signed_card


@pytest.mark.parametrize("given", ["absent", None, "", "   "])
def test_a_mononym_registers_with_the_name_as_family_name(
    client: TestClient, login: Login, database_url: str, given: str | None
) -> None:
    body = applicant_body(family_name="Sukarno")
    if given == "absent":
        del body["given_name"]
    else:
        body["given_name"] = given
    response = client.post("/v1/applicants", json=body, headers=login("clerk"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["given_name"], created["family_name"]) == ("", "Sukarno")
    (row,) = rows_of(
        database_url, sa.select(Applicant.given_name, Applicant.family_name, Applicant.name_key)
    )
    assert tuple(row) == ("", "Sukarno", "sukarno")


def test_a_mononym_is_found_by_name_and_warned_as_a_duplicate(
    client: TestClient, login: Login
) -> None:
    clerk = login("clerk")
    first = register(client, clerk, given_name="", family_name="Sukarno")
    second = register(client, clerk, given_name="", family_name="SUKARNO")
    assert [w["applicant_id"] for w in second["warnings"]] == [first["id"]]
    found = client.get("/v1/applicants", params={"name": "sukarno"}, headers=clerk)
    assert found.status_code == 200, found.text
    assert sorted(m["id"] for m in found.json()["items"]) == sorted([first["id"], second["id"]])


def test_a_correction_may_clear_the_given_name_but_never_the_family_name(
    client: TestClient, login: Login
) -> None:
    clerk = login("clerk")
    created = register(client, clerk, given_name="Bambang", family_name="Sukarno")
    url = f"/v1/applicants/{created['id']}"
    cleared = client.patch(url, json={"given_name": None}, headers=clerk)
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["given_name"], cleared.json()["family_name"]) == ("", "Sukarno")
    found = client.get("/v1/applicants", params={"name": "bambang"}, headers=clerk)
    assert found.json()["items"] == []
    refused = client.patch(url, json={"family_name": ""}, headers=clerk)
    assert refused.status_code == 422
    assert client.get(url, headers=clerk).json()["family_name"] == "Sukarno"


def test_a_mononyms_card_verifies_with_the_one_name(client: TestClient, session: Session) -> None:
    holder = make_applicant(session, given_name="", family_name="Sukarno", name_key="sukarno")
    card, qr = signed_card(session, applicant=holder)
    _, merchant = make_merchant()
    response = client.post("/v1/verify", json={"qr": qr}, headers=merchant)
    assert response.status_code == 200, response.text
    body = response.json()
    # The one name is the family name; the credential carries no first name at all.
    assert body == {
        "status": "valid",
        "family_name": "Sukarno",
        "date_of_birth": "1990-04-12",
        "expires_on": card.expires_on.isoformat(),
    }
