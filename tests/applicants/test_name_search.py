"""A name search finds the same holders, in the same order and pages, whichever way the database
reads them (two words at once through the name pairs, migration 0021, or one word's rows
through the name words, migration 0020: a rare word's rows whole, a common word's in name order,
leaping stretches without a match, or every name in order)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.applicants import search_pairs, search_repository, search_walk
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


def _found(client: TestClient, headers: dict[str, str], **query: Any) -> list[str]:
    answer = client.get("/v1/applicants", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    return [m["id"] for m in answer.json()["items"]]


def test_a_corrected_name_or_birthday_is_searched_as_corrected(
    client: TestClient, login: Login
) -> None:
    headers = login("clerk")
    holder = register(
        client, headers, given_name="Rosa", family_name="Pérez", date_of_birth="1980-01-02"
    )
    answer = client.patch(
        f"/v1/applicants/{holder['id']}",
        json={"family_name": "Quintana Ortiz", "date_of_birth": "1981-03-04"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text

    assert _found(client, headers, name="perez") == []
    assert _found(client, headers, name="rosa perez") == []
    assert _found(client, headers, name="quint rosa") == [holder["id"]]
    assert _found(client, headers, name="ortiz") == [holder["id"]]
    assert _found(client, headers, name="rosa", date_of_birth="1981-03-04") == [holder["id"]]
    assert _found(client, headers, name="rosa", date_of_birth="1980-01-02") == []


@pytest.mark.parametrize(
    ("few_rows", "many_rows"),
    [
        pytest.param(search_repository.FEW_ROWS, 30_000, id="rare-words-read-whole"),
        pytest.param(1, 30_000, id="common-words-read-in-name-order"),
        pytest.param(1, 1, id="every-name-walked-in-order"),
    ],
)
def test_a_common_word_finds_what_a_rare_one_would(
    client: TestClient,
    login: Login,
    monkeypatch: pytest.MonkeyPatch,
    few_rows: int,
    many_rows: int,
) -> None:
    """However common a word is, and so however the repository reads it (two words at once
    through the name pairs, or one word's rows), the same holders come back in the same order
    and pages."""
    headers = login("clerk")
    names = [
        ("María José", "García"),
        ("Mariana", "García López"),
        ("Ana María", "Garcés"),
        ("Maria Mariana", "Garcia"),  # two words the prefix "mari" matches: found once
        ("M\u0430ri\u0430", "Gómez"),  # Cyrillic а: found through the skeleton
        ("Mario", "Ruiz"),
        ("Marco", "García"),
        ("Marco", "Mateo Ruiz"),  # two words of one head, "ma"
        ("Wei", "Hu"),
        ("Hua", "Wei"),
        ("Wei", "Huang"),
    ]
    for given, family in names:
        register(client, headers, given_name=given, family_name=family)
    register(client, headers, given_name="María", family_name="García", date_of_birth="1971-03-04")
    queries = [
        "mari garc",
        "maria",
        "m\u0430ri\u0430",
        "garc",
        "ma",
        "mario ruiz",
        "zz",
        "ma garc",
        "wei hu",
        "hu wei",
        "maria gom",
        "m\u0430ri\u0430 gom",
        "ana maria garc",
        "mari mariana",
        "marc mat",
        "marc zz",
    ]
    read_pairs: set[str] = set()
    pairs_read = search_pairs.read

    def spied(session: Any, wanted: list[tuple[str, str]], *rest: Any) -> Any:
        read_pairs.add(" ".join(word for word, _ in wanted))
        return pairs_read(session, wanted, *rest)

    monkeypatch.setattr(search_pairs, "read", spied)
    paired = {q: _pages(client, headers, q, limit=1) for q in queries}
    # Two words that one word of a name could both match ("mari mariana") are not read as pairs.
    assert read_pairs == set(queries) - {
        "maria",
        "m\u0430ri\u0430",
        "garc",
        "ma",
        "zz",
        "mari mariana",
    }
    assert len(paired["mari garc"]) == 5
    assert len(set(paired["mari garc"])) == 5
    assert len(paired["wei hu"]) == 3  # "hu" starts "hua" and "huang" too
    assert paired["hu wei"] == paired["wei hu"]
    assert len(paired["maria gom"]) == 1
    assert paired["m\u0430ri\u0430 gom"] == paired["maria gom"]
    assert len(paired["ana maria garc"]) == 1
    assert len(paired["mari mariana"]) == 2  # "Maria Mariana" and "Mariana García López"
    assert len(paired["marc mat"]) == 1
    assert paired["marc zz"] == []

    # No two words read as pairs: each word's rows through the words table.
    monkeypatch.setattr(search_pairs, "chosen", lambda wanted: None)
    monkeypatch.setattr(search_repository, "FEW_ROWS", few_rows)
    monkeypatch.setattr(search_repository, "MANY_ROWS", many_rows)
    # One row at a time, to meet stretches without a match and leap them.
    monkeypatch.setattr(search_walk, "WALK", 1)
    monkeypatch.setattr(search_walk, "MAX_WALK", 1)

    for query in queries:
        assert _pages(client, headers, query, limit=1) == paired[query], query
        assert _pages(client, headers, query, limit=50) == paired[query], query
