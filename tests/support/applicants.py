"""What a clerk does at the counter, through HTTP, for the applicant, proof and privacy suites."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from app.kit.types import utcnow
from app.models import metadata
from tests.support.builders import reading_session
from tests.support.http import Headers


def today() -> date:
    return utcnow().date()


def born_years_ago(years: int) -> date:
    """A birthday that makes the person exactly `years` old (a 29 February becomes the 28th)."""
    now = today()
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def applicant_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "given_name": "Thị Ánh",
        "family_name": "Nguyễn",
        "date_of_birth": "1990-04-12",
        "address": {
            "street": "165 Church St",
            "unit": "4B",
            "city": "New Haven",
            "postal_code": "06510",
        },
    }
    body.update(overrides)
    return body


def register(client: TestClient, headers: Headers, **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/applicants", json=applicant_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def image_bytes(size: tuple[int, int] = (640, 480), fmt: str = "JPEG", **save: Any) -> bytes:
    """A picture with something in it (a gradient), so re-encoding has work to do."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload_photo(
    client: TestClient,
    headers: Headers,
    applicant_id: str,
    data: bytes | None = None,
    *,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> Any:
    files = {"photo": (filename, data if data is not None else image_bytes(), content_type)}
    return client.put(f"/v1/applicants/{applicant_id}/photo", files=files, headers=headers)


def record_proof(
    client: TestClient,
    headers: Headers,
    applicant_id: str,
    document: str,
    document_date: date | None = None,
) -> Any:
    body: dict[str, Any] = {"document": document}
    if document_date is not None:
        body["document_date"] = document_date.isoformat()
    return client.post(f"/v1/applicants/{applicant_id}/proofs", json=body, headers=headers)


def ready_to_approve(client: TestClient, headers: Headers, **overrides: Any) -> str:
    """A registered applicant with a passport, a recent utility bill and a photo: approvable."""
    applicant_id: str = register(client, headers, **overrides)["id"]
    recent = today() - timedelta(days=10)
    for document, day in (("us_passport", None), ("utility_bill", recent)):
        response = record_proof(client, headers, applicant_id, document, day)
        assert response.status_code == 201, response.text
    assert upload_photo(client, headers, applicant_id).status_code == 200
    return applicant_id


@contextmanager
def peek(database_url: str) -> Iterator[Session]:
    """A look at the data that never holds the lock the app's requests need (reading_session)."""
    yield from reading_session(database_url)


def dump_database(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the app's and Alembic's), in a stable order."""
    with peek(database_url) as s:
        names = sorted({*metadata.tables, "alembic_version"})
        dump: dict[str, list[tuple[Any, ...]]] = {}
        for name in names:
            rows = s.execute(sa.text(f'SELECT * FROM "{name}"')).all()
            dump[name] = sorted((tuple(r) for r in rows), key=repr)
        return dump


def rows_of(database_url: str, statement: sa.Executable) -> list[Any]:
    with peek(database_url) as s:
        return list(s.execute(statement).all())
