"""No table, column, schema field, parameter or enum value names a forbidden concept.

Walks the whole schema (every domain's tables) and the whole OpenAPI document (every route's
body, parameters and answers), so a field added anywhere later is caught too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from app.main import create_app
from app.models import metadata
from app.proofs.catalog import Document

# Single words that, in a field's name, can only mean what the city must never hold.
FORBIDDEN_WORDS = {
    "alien",
    "asylum",
    "citizen",
    "citizenship",
    "deportation",
    "ethnicity",
    "foreign",
    "immigrant",
    "immigration",
    "itin",
    "migrant",
    "nationality",
    "passport",
    "refugee",
    "religion",
    "ssn",
    "undocumented",
    "visa",
}
# Phrases of several words (in the order they are written).
FORBIDDEN_PHRASES = {
    "a_number",
    "alien_number",
    "birth_country",
    "birth_place",
    "country_of_birth",
    "country_of_origin",
    "document_number",
    "document_type",
    "document_code",
    "green_card",
    "id_number",
    "legal_status",
    "national_origin",
    "place_of_birth",
    "social_security",
    "work_permit",
}


def words(name: str) -> list[str]:
    """snake_case, camelCase, kebab-case and spaced names split into lower-case words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def forbidden(name: str) -> bool:
    parts = words(name)
    joined = "_" + "_".join(parts) + "_"
    return any(w in FORBIDDEN_WORDS for w in parts) or any(
        f"_{p}_" in joined for p in FORBIDDEN_PHRASES
    )


@pytest.mark.parametrize(
    "name",
    [
        "passport_number",
        "passportNumber",
        "countryOfBirth",
        "country_of_birth",
        "SSN",
        "itin",
        "immigration_status",
        "visa_type",
        "Nationality",
        "alien_number",
        "documentNumber",
        "is-foreign-born",
        "document_type",
        "greenCard",
    ],
)
def test_the_check_catches_forbidden_names(name: str) -> None:
    assert forbidden(name)


@pytest.mark.parametrize(
    "name",
    [
        "date_of_birth",
        "shows_date_of_birth",
        "proves_residency",
        "status",
        "given_name",
        "national_park_pass",
        "address_on_card",
        "identity_points",
        "document_date",
    ],
)
def test_the_check_lets_ordinary_names_through(name: str) -> None:
    assert not forbidden(name)


def _schema_names(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every property name, enum value, title and parameter name in an OpenAPI fragment."""
    if isinstance(node, dict):
        for key in node.get("properties", {}):
            yield f"{where}.properties", key
        for value in node.get("enum", []):
            if isinstance(value, str):
                yield f"{where}.enum", value
        if "const" in node and isinstance(node["const"], str):
            yield f"{where}.const", node["const"]
        if isinstance(node.get("title"), str):
            yield f"{where}.title", node["title"]
        if node.get("in") in ("query", "path", "header", "cookie") and "name" in node:
            yield f"{where}.parameter", node["name"]
        for key, value in node.items():
            yield from _schema_names(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _schema_names(item, f"{where}[{i}]")


def test_no_table_or_column_names_a_forbidden_concept() -> None:
    names = [(t.name, t.name) for t in metadata.tables.values()]
    names += [(f"{t.name}.{c.name}", c.name) for t in metadata.tables.values() for c in t.columns]
    assert len(names) > 50
    assert ("proof_checks.identity_points", "identity_points") in names
    assert [where for where, name in names if forbidden(name)] == []


def test_no_api_field_parameter_or_value_names_a_forbidden_concept() -> None:
    spec = create_app().openapi()
    names = list(_schema_names(spec, "openapi"))
    names += [("openapi.components", name) for name in spec["components"]["schemas"]]
    names += [("openapi.paths", segment) for path in spec["paths"] for segment in path.split("/")]
    assert len(names) > 200
    # The walk reaches request bodies, nested models, answers and query parameters.
    seen = {name for _, name in names}
    assert {"given_name", "postal_code", "fee_waiver", "document_date", "date_of_birth"} <= seen
    assert {"domestic_violence", "identity_points", "pending_print"} <= seen
    assert sorted({f"{where}: {name}" for where, name in names if forbidden(name)}) == []


def test_the_catalog_describes_documents_without_recording_them() -> None:
    assert [name for name in Document.model_fields if forbidden(name)] == []
