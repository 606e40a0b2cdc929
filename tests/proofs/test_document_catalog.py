"""The document catalog: published as the file says, validated, replaceable by the city."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import settings
from app.proofs.catalog import DEFAULT_CATALOG, CatalogError, load_catalog

FIELDS = {
    "code",
    "name_en",
    "name_es",
    "identity_points",
    "shows_photo",
    "shows_date_of_birth",
    "proves_residency",
    "max_age_days",
}


def _profile(doc: dict[str, Any]) -> tuple[object, ...]:
    """What a stored proof check keeps of a document."""
    return (
        doc["identity_points"],
        doc["shows_photo"],
        doc["shows_date_of_birth"],
        doc["proves_residency"],
    )


def test_anyone_can_list_the_documents(client: TestClient) -> None:
    response = client.get("/v1/documents")
    assert response.status_code == 200
    documents = response.json()
    shipped = json.loads(DEFAULT_CATALOG.read_text())["documents"]
    assert documents == shipped
    for doc in documents:
        assert set(doc) >= FIELDS
        assert isinstance(doc["identity_points"], int)
        assert all(
            isinstance(doc[k], bool)
            for k in ("shows_photo", "shows_date_of_birth", "proves_residency")
        )
        assert doc["max_age_days"] is None or isinstance(doc["max_age_days"], int)
    codes = {d["code"] for d in documents}
    assert {"us_passport", "foreign_passport", "consular_id", "state_driver_licence"} <= codes
    assert {"birth_certificate", "utility_bill", "residential_lease", "shelter_letter"} <= codes


def test_the_default_catalog_alone_can_make_someone_eligible() -> None:
    catalog = load_catalog()
    assert any(
        d.identity_points >= settings.min_identity_points
        and d.shows_photo
        and d.shows_date_of_birth
        for d in catalog.documents
    )
    assert any(
        d.proves_residency and (d.max_age_days or 0) <= settings.residency_max_age_days
        for d in catalog.documents
    )


def test_documents_that_could_betray_origin_look_like_domestic_ones() -> None:
    """A stored check keeps points and flags only; for that to hide a foreign passport or a
    consular ID, some domestic document must leave exactly the same trace."""
    documents = json.loads(DEFAULT_CATALOG.read_text())["documents"]
    revealing = [d for d in documents if d["code"].startswith(("foreign_", "consular_"))]
    domestic = {_profile(d) for d in documents if d not in revealing}
    assert len(revealing) >= 3
    assert [d["code"] for d in revealing if _profile(d) not in domestic] == []


def _write(tmp_path: Path, documents: list[dict[str, Any]], **extra: Any) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"documents": documents, **extra}))
    return path


def _doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "code": "library_card",
        "name_en": "Library card",
        "name_es": "Tarjeta de biblioteca",
        "identity_points": 1,
        "shows_photo": False,
        "shows_date_of_birth": False,
        "proves_residency": False,
        "max_age_days": None,
    }
    doc.update(overrides)
    return doc


def test_the_city_can_publish_its_own_catalog(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, [_doc()], _comment="New Haven, 2026")
    monkeypatch.setattr(settings, "document_catalog", path)
    assert [d["code"] for d in client.get("/v1/documents").json()] == ["library_card"]
    # An edit to the file is picked up without a restart.
    path.write_text(
        json.dumps(
            {
                "documents": [
                    _doc(
                        code="lease_2026", identity_points=0, proves_residency=True, max_age_days=30
                    )
                ]
            }
        )
    )
    assert [d["code"] for d in client.get("/v1/documents").json()] == ["lease_2026"]


@pytest.mark.parametrize(
    ("documents", "problem"),
    [
        ([_doc(), _doc()], "unique"),
        ([_doc(code="Passport No")], "code"),
        ([_doc(identity_points=-1)], "identity_points"),
        ([_doc(identity_points="three")], "identity_points"),
        ([_doc(identity_points=0)], "proves no residency"),
        ([_doc(max_age_days=30)], "max_age_days"),
        ([_doc(issuing_country="any")], "issuing_country"),
        ([{k: v for k, v in _doc().items() if k != "name_es"}], "name_es"),
        ([], "documents"),
    ],
)
def test_a_wrong_catalog_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, documents: list[dict[str, Any]], problem: str
) -> None:
    monkeypatch.setattr(settings, "document_catalog", _write(tmp_path, documents))
    with pytest.raises(CatalogError, match=problem):
        load_catalog()


def test_a_missing_catalog_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "document_catalog", tmp_path / "nowhere.json")
    with pytest.raises(CatalogError, match="nowhere.json"):
        load_catalog()
