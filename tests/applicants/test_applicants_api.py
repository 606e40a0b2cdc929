"""Registering, reading, correcting and finding applicants through HTTP."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.applicants.models import Applicant
from app.audit.models import AuditEvent
from tests.support.applicants import applicant_body, register, rows_of
from tests.support.http import Login

NAMES = [
    ("Thị Ánh", "Nguyễn"),
    ("Yūko", "Ōtsuka"),
    ("Siobhán", "O'Brien-Núñez"),
    ("Ærøskøbing", "Łódź-Đặng"),
    ("محمد", "الأحمد"),
    ("明", "王"),
    ("Zoë", "d'Arc"),
]


@pytest.mark.parametrize(("given", "family"), NAMES)
def test_names_keep_every_character(
    client: TestClient, login: Login, given: str, family: str
) -> None:
    headers = login("clerk")
    created = register(client, headers, given_name=given, family_name=family)
    read = client.get(f"/v1/applicants/{created['id']}", headers=headers)
    assert read.status_code == 200
    assert (read.json()["given_name"], read.json()["family_name"]) == (given, family)


def test_a_name_whose_key_folds_longer_than_the_column_is_kept_whole(
    client: TestClient, login: Login
) -> None:
    headers = login("clerk")
    long_name = "\ufdfa" * 100  # each character folds to 18 letters (four Arabic words)
    created = register(client, headers, given_name=long_name, family_name=long_name)
    assert created["given_name"] == long_name
    found = client.get("/v1/applicants", params={"name": "صلى عليه"}, headers=headers).json()[
        "items"
    ]
    assert [m["id"] for m in found] == [created["id"]]


def test_a_clerk_registers_an_applicant_with_every_field(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    body = applicant_body(
        phone="+1 203 555 0142",
        email="anh@example.org",
        preferred_languages=["Vietnamese", "English"],
        gender="X",
        address_on_card=False,
        emergency_contact={"name": "Trần Văn Bình", "phone": "203-555-0199"},
    )
    response = client.post("/v1/applicants", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["warnings"] == []
    read = client.get(f"/v1/applicants/{created['id']}", headers=headers).json()
    assert read == {k: v for k, v in created.items() if k != "warnings"}
    assert read["address"] == {**body["address"], "care_of": None}
    assert read["preferred_languages"] == ["Vietnamese", "English"]
    assert read["gender"] == "X"
    assert read["address_on_card"] is False
    assert read["emergency_contact"] == {"name": "Trần Văn Bình", "phone": "203-555-0199"}
    assert read["status"] == "pending"
    assert read["has_photo"] is False


def test_optional_fields_default_to_nothing(client: TestClient, login: Login) -> None:
    created = register(client, login("supervisor"))
    assert created["gender"] is None
    assert created["address_on_card"] is True
    assert created["preferred_languages"] == []
    assert created["emergency_contact"] is None
    assert created["phone"] is None
    assert created["email"] is None


def test_a_registration_is_audited_without_personal_data(
    client: TestClient, login: Login, database_url: str
) -> None:
    created = register(client, login("clerk"))
    events = rows_of(database_url, sa.select(AuditEvent.action, AuditEvent.detail))
    assert ("applicant.create", '{"possible_duplicates":[]}') in [tuple(e) for e in events]
    assert not any("Nguy" in detail or "Church" in detail for _, detail in events)
    assert created["id"]


@pytest.mark.parametrize(
    "query",
    ["nguyen thi anh", "NGUYỄN", "anh", "Thi Nguyen", "nguy th", "ÁNH NGUYEN"],
)
def test_search_ignores_case_accents_and_order(
    client: TestClient, login: Login, query: str
) -> None:
    headers = login("clerk")
    wanted = register(client, headers)
    register(client, headers, given_name="Bảo", family_name="Trần")
    response = client.get("/v1/applicants", params={"name": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert [m["id"] for m in response.json()["items"]] == [wanted["id"]]


@pytest.mark.parametrize(
    ("given", "family", "query"),
    [
        ("Siobhán", "O'Brien-Núñez", "obrien nunez"),
        ("Siobhán", "O'Brien-Núñez", "o’brien"),
        ("Đức", "Đặng", "duc dang"),
        ("Søren", "Kierkegaard", "soren"),
        ("Łukasz", "Wałęsa", "lukasz walesa"),
        ("Straße", "Groß", "strasse gross"),
        ("Yūko", "Ōtsuka", "yuko otsuka"),
    ],
)
def test_search_folds_letters_without_a_separate_accent(
    client: TestClient, login: Login, given: str, family: str, query: str
) -> None:
    headers = login("clerk")
    wanted = register(client, headers, given_name=given, family_name=family)
    found = client.get("/v1/applicants", params={"name": query}, headers=headers).json()["items"]
    assert [m["id"] for m in found] == [wanted["id"]]


def test_search_by_date_of_birth_and_by_both(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    first = register(client, headers, date_of_birth="1990-04-12")
    second = register(client, headers, given_name="Bảo", date_of_birth="1990-04-12")
    register(client, headers, date_of_birth="1985-01-01")
    by_day = client.get("/v1/applicants", params={"date_of_birth": "1990-04-12"}, headers=headers)
    assert {m["id"] for m in by_day.json()["items"]} == {first["id"], second["id"]}
    both = client.get(
        "/v1/applicants",
        params={"name": "bao nguyen", "date_of_birth": "1990-04-12"},
        headers=headers,
    )
    assert [m["id"] for m in both.json()["items"]] == [second["id"]]
    assert set(both.json()["items"][0]) == {
        "id",
        "given_name",
        "family_name",
        "date_of_birth",
        "status",
    }


@pytest.mark.parametrize("query", ["guyen", "nguyen bao", "anhn", "thi anh tran"])
def test_search_matches_the_start_of_every_word_searched(
    client: TestClient, login: Login, query: str
) -> None:
    headers = login("clerk")
    register(client, headers)
    found = client.get("/v1/applicants", params={"name": query}, headers=headers)
    assert found.status_code == 200
    assert found.json()["items"] == []


def test_search_wildcards_find_no_one(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    register(client, headers)
    for query in ("%", "_", "%%", "\\"):
        found = client.get("/v1/applicants", params={"name": query}, headers=headers)
        assert found.status_code == 422, found.text
        assert found.json()["error"] == "SearchTooBroad"


def test_search_needs_a_name_or_a_date(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    register(client, headers)
    for params in ({}, {"name": "  "}, {"name": "'-."}):
        response = client.get("/v1/applicants", params=params, headers=headers)
        assert response.status_code == 422
        assert response.json()["error"] == "SearchTooBroad"


def test_a_search_is_audited_with_ids_not_terms(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    created = register(client, headers)
    client.get("/v1/applicants", params={"name": "nguyen"}, headers=headers)
    (detail,) = rows_of(
        database_url,
        sa.select(AuditEvent.detail).where(AuditEvent.action == "applicant.search"),
    )
    assert detail[0] == f'{{"by":["name"],"results":["{created["id"]}"]}}'


@pytest.mark.parametrize(
    ("given", "family", "born"),
    [
        ("Thị Ánh", "Nguyễn", "1990-04-12"),  # the same person typed again
        ("thi anh", "NGUYEN", "1990-04-12"),  # without accents
        ("Nguyễn", "Thị Ánh", "1990-04-12"),  # names swapped
        ("Thi Anh", "Nguyen", "1990-04-12"),
        ("Thị Ánk", "Nguyễn", "1990-04-12"),  # a typo
    ],
)
def test_a_look_alike_gets_a_duplicate_warning(
    client: TestClient, login: Login, given: str, family: str, born: str
) -> None:
    headers = login("clerk")
    first = register(client, headers)
    second = register(client, headers, given_name=given, family_name=family, date_of_birth=born)
    assert second["id"] != first["id"]
    assert [(w["code"], w["applicant_id"]) for w in second["warnings"]] == [
        ("possible_duplicate", first["id"])
    ]


@pytest.mark.parametrize(
    ("given", "family", "born"),
    [
        ("Thị Ánh", "Nguyễn", "1991-04-12"),  # same name, another birthday
        ("Bảo", "Trần", "1990-04-12"),  # same birthday, another person
    ],
)
def test_different_people_get_no_warning(
    client: TestClient, login: Login, given: str, family: str, born: str
) -> None:
    headers = login("clerk")
    register(client, headers)
    second = register(client, headers, given_name=given, family_name=family, date_of_birth=born)
    assert second["warnings"] == []


def test_a_correction_changes_only_the_fields_sent(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    created = register(client, headers, phone="203-555-0142", preferred_languages=["Spanish"])
    response = client.patch(
        f"/v1/applicants/{created['id']}",
        json={"family_name": "Nguyễn-Lê", "phone": None, "gender": "F"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    fixed = response.json()
    assert fixed["family_name"] == "Nguyễn-Lê"
    assert fixed["phone"] is None
    assert fixed["gender"] == "F"
    assert fixed["given_name"] == created["given_name"]
    assert fixed["preferred_languages"] == ["Spanish"]
    assert fixed["address"] == created["address"]
    assert fixed["updated_at"] is not None
    found = client.get("/v1/applicants", params={"name": "nguyen le"}, headers=headers).json()[
        "items"
    ]
    assert [m["id"] for m in found] == [created["id"]]
    (detail,) = rows_of(
        database_url,
        sa.select(AuditEvent.detail).where(AuditEvent.action == "applicant.correct"),
    )
    assert detail[0] == '{"fields":["family_name","gender","phone"]}'


def test_a_correction_replaces_the_address_and_clears_optional_parts(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("supervisor")
    created = register(client, headers, emergency_contact={"name": "Bình", "phone": "203-555-0199"})
    new_address = {"street": "1 Elm St", "city": "New Haven", "postal_code": "06511"}
    response = client.patch(
        f"/v1/applicants/{created['id']}",
        json={"address": new_address, "emergency_contact": None, "address_on_card": False},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["address"] == {**new_address, "unit": None, "care_of": None}
    assert response.json()["emergency_contact"] is None
    (row,) = rows_of(
        database_url,
        sa.select(Applicant.unit, Applicant.emergency_contact_name, Applicant.address_on_card),
    )
    assert tuple(row) == (None, None, False)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"family_name": None},
        {"date_of_birth": None},
        {"address_on_card": None},
    ],
)
def test_a_correction_cannot_clear_what_a_card_needs(
    client: TestClient, login: Login, body: dict[str, object]
) -> None:
    headers = login("clerk")
    created = register(client, headers)
    response = client.patch(f"/v1/applicants/{created['id']}", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"
    again = client.get(f"/v1/applicants/{created['id']}", headers=headers).json()
    assert again["updated_at"] is None


def test_other_roles_cannot_see_applicants(client: TestClient, login: Login) -> None:
    created = register(client, login("clerk"))
    for role in ("printer", "auditor", "admin"):
        response = client.get(f"/v1/applicants/{created['id']}", headers=login(role))
        assert response.status_code == 403
        assert response.json()["error"] == "Forbidden"
