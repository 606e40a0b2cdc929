"""A name search finds the same holders, in the same order and pages, whichever way the database
reads them (on PostgreSQL through trigram indexes, migration 0019; on SQLite by scanning)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.applicants import register
from tests.support.http import Login


def _pages(client: TestClient, headers: dict[str, str], name: str, limit: int) -> list[str]:
    found: list[str] = []
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"name": name, "limit": limit}
        if cursor:
            query["cursor"] = cursor
        answer = client.get("/v1/applicants", params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        found += [m["id"] for m in answer.json()["items"]]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return found


def test_a_name_search_finds_a_word_anywhere_a_look_alike_and_a_corrected_name(
    client: TestClient, login: Login
) -> None:
    headers = login("clerk")
    first = register(client, headers, given_name="María José", family_name="García")
    middle = register(client, headers, given_name="Ana María", family_name="Ruiz")
    twin = register(
        client, headers, given_name="Ana María", family_name="Ruiz", date_of_birth="1971-03-04"
    )
    # Cyrillic а (U+0430) for the Latin a: found through the name's skeleton.
    look_alike = register(client, headers, given_name="M\u0430ri\u0430", family_name="Soto")
    corrected = register(client, headers, given_name="Rosa", family_name="Pérez")
    register(client, headers, given_name="Amaria", family_name="Lopez")  # not a word's start
    register(client, headers, given_name="Mario", family_name="Ruiz")
    answer = client.patch(
        f"/v1/applicants/{corrected['id']}", json={"given_name": "Rosa Maria"}, headers=headers
    )
    assert answer.status_code == 200, answer.text

    whole = _pages(client, headers, "maria", limit=50)

    wanted = {first["id"], middle["id"], twin["id"], look_alike["id"], corrected["id"]}
    assert set(whole) == wanted
    assert len(whole) == len(wanted)
    # One at a time, the pages hold the same holders in the same order, the two namesakes too.
    assert _pages(client, headers, "maria", limit=1) == whole
    assert _pages(client, headers, "ruiz ana", limit=1) == [twin["id"], middle["id"]]
    assert _pages(client, headers, "rosa", limit=50) == [corrected["id"]]
    assert _pages(client, headers, "perez maria", limit=50) == [corrected["id"]]
