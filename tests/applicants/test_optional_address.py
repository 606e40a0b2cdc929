"""The address is optional: a person without a fixed address registers, and "care of" says whose
address it is when the person gets mail at a shelter or at someone else's home."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.applicants.models import Applicant
from tests.support.applicants import applicant_body, register, rows_of
from tests.support.http import Login

SHELTER = {
    "care_of": "Columbus House",
    "street": "586 Ella Grasso Blvd",
    "city": "New Haven",
    "postal_code": "06519",
}


def test_a_person_without_a_fixed_address_registers_without_one(
    client: TestClient, login: Login, database_url: str
) -> None:
    clerk = login("clerk")
    body = applicant_body()
    del body["address"]
    created = client.post("/v1/applicants", json=body, headers=clerk)
    assert created.status_code == 201, created.text
    assert created.json()["address"] is None
    read = client.get(f"/v1/applicants/{created.json()['id']}", headers=clerk).json()
    assert read["address"] is None
    (row,) = rows_of(
        database_url,
        sa.select(Applicant.street, Applicant.city, Applicant.postal_code, Applicant.care_of),
    )
    assert tuple(row) == (None, None, None, None)


def test_care_of_is_kept_and_given_back_with_the_address(client: TestClient, login: Login) -> None:
    created = register(client, login("clerk"), address=SHELTER)
    assert created["address"] == {**SHELTER, "unit": None}


def test_a_correction_may_clear_the_address_and_set_it_again(
    client: TestClient, login: Login, database_url: str
) -> None:
    clerk = login("clerk")
    applicant_id = register(client, clerk)["id"]
    url = f"/v1/applicants/{applicant_id}"
    cleared = client.patch(url, json={"address": None}, headers=clerk)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["address"] is None
    (row,) = rows_of(database_url, sa.select(Applicant.street, Applicant.unit))
    assert tuple(row) == (None, None)
    again = client.patch(url, json={"address": SHELTER}, headers=clerk)
    assert again.status_code == 200, again.text
    assert again.json()["address"]["care_of"] == "Columbus House"


def test_an_address_without_its_street_is_refused_naming_the_field(
    client: TestClient, login: Login, database_url: str
) -> None:
    partial = {"care_of": "Columbus House", "city": "New Haven", "postal_code": "06519"}
    answer = client.post(
        "/v1/applicants", json=applicant_body(address=partial), headers=login("clerk")
    )
    assert answer.status_code == 422
    assert "street" in answer.text
    assert rows_of(database_url, sa.select(Applicant.id)) == []
