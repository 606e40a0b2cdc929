"""A passport number sent in any way the API does not ask for ends up nowhere: not in a row, not
in a log line (every logger at DEBUG, SQL parameters included), not in an answer."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.support.applicants import (
    applicant_body,
    dump_database,
    register,
    today,
    upload_photo,
)
from tests.support.http import Login

# Commits: it reads the database's own files, where only committed work is certain to be.
pytestmark = pytest.mark.commits

NUMBER = "X98765432"
# Loggers that do not all pass their records up to the root logger, or start above DEBUG.
LOGGERS = (
    "sqlalchemy",
    "sqlalchemy.engine",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "fastapi",
    "starlette",
    "python_multipart",
    "multipart",
    "PIL",
    "resident_id",
    "app",
)


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record of every logger, at DEBUG, for the whole test."""
    caplog.set_level(logging.DEBUG)
    attached = []
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
        logger = logging.getLogger(name)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
            attached.append(logger)
    yield caplog
    for logger in attached:
        logger.removeHandler(caplog.handler)


# The test client's own records of the URLs it requested: the client's log, not the service's.
CLIENT_LOGGERS = ("httpx", "httpx2", "httpcore")


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    parts = []
    for record in caplog.records:
        if record.name.split(".")[0] in CLIENT_LOGGERS:
            continue
        parts.append(caplog.handler.format(record))
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        parts.append(repr(record.__dict__))
    return "\n".join(parts)


def _assert_nowhere(
    database_url: str, caplog: pytest.LogCaptureFixture, answers: list[Any]
) -> None:
    for answer in answers:
        assert NUMBER not in answer.text
        assert NUMBER.lower() not in answer.text
    dump = dump_database(database_url)
    for table, rows in dump.items():
        for row in rows:
            for value in row:
                if isinstance(value, bytes):
                    assert NUMBER.encode() not in value, table
                else:
                    assert NUMBER.lower() not in str(value).lower(), table
    logged = _everything_logged(caplog)
    assert NUMBER not in logged
    assert NUMBER.lower() not in logged
    # The capture was live: the app's own SQL went through it.
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)


def test_a_passport_number_in_unknown_fields_is_refused_and_kept_nowhere(
    client: TestClient,
    login: Login,
    database_url: str,
    every_log: pytest.LogCaptureFixture,
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    applicants = "/v1/applicants"
    one = f"/v1/applicants/{applicant_id}"
    attempts: list[tuple[str, str, Any]] = [
        ("POST", applicants, applicant_body(passport_number=NUMBER)),
        ("POST", applicants, applicant_body(document_number=NUMBER)),
        (
            "POST",
            applicants,
            applicant_body(address={**applicant_body()["address"], "passport_number": NUMBER}),
        ),
        (
            "POST",
            applicants,
            applicant_body(emergency_contact={"name": "B", "phone": "203", "id": NUMBER}),
        ),
        ("PATCH", one, {"phone": "203-555-0100", "passport_number": NUMBER}),
        (
            "PATCH",
            one,
            {"address": {"street": "1 Elm", "city": "NH", "postal_code": "06511", "x": NUMBER}},
        ),
        ("POST", f"{one}/proofs", {"document": "us_passport", "passport_number": NUMBER}),
        (
            "POST",
            f"{one}/proofs",
            {"document": "foreign_passport", "number": NUMBER, "issuer": "X"},
        ),
        ("POST", f"{one}/approve", {"passport_number": NUMBER}),
        ("POST", f"{one}/deny", {"reason": "not_a_resident", "passport_number": NUMBER}),
        ("POST", "/v1/eligibility", {"documents": ["us_passport"], "passport_number": NUMBER}),
    ]
    before = dump_database(database_url)
    answers = []
    for method, url, body in attempts:
        answer = client.request(method, url, json=body, headers=headers)
        assert answer.status_code == 422, (url, answer.text)
        assert answer.json()["error"] == "ValidationError"
        assert answer.json()["detail"][0]["type"] == "extra_forbidden"
        answers.append(answer)
    assert dump_database(database_url) == before
    _assert_nowhere(database_url, every_log, answers)


def test_a_passport_number_given_as_a_document_code_is_kept_nowhere(
    client: TestClient,
    login: Login,
    database_url: str,
    every_log: pytest.LogCaptureFixture,
) -> None:
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    before = dump_database(database_url)
    answers = []
    for code in (NUMBER, NUMBER.lower()):
        for url, body in (
            (f"/v1/applicants/{applicant_id}/proofs", {"document": code}),
            ("/v1/eligibility", {"documents": ["us_passport", code]}),
        ):
            answer = client.post(url, json=body, headers=headers)
            assert answer.status_code == 422, answer.text
            answers.append(answer)
    assert dump_database(database_url) == before
    _assert_nowhere(database_url, every_log, answers)


def test_a_passport_number_beside_valid_work_is_kept_nowhere(
    client: TestClient,
    login: Login,
    database_url: str,
    every_log: pytest.LogCaptureFixture,
) -> None:
    """Where the API does accept the request, what it did not ask for is simply not there."""
    headers = login("clerk")
    applicant_id = register(client, headers)["id"]
    answers = []
    # A photo whose metadata carries the number, and an extra multipart field with it.
    image = Image.new("RGB", (300, 400), "gray")
    exif = Image.Exif()
    exif[0x010E] = NUMBER
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=NUMBER.encode())
    answers.append(upload_photo(client, headers, applicant_id, out.getvalue()))
    assert answers[-1].status_code == 200
    answers.append(
        client.put(
            f"/v1/applicants/{applicant_id}/photo",
            files={"photo": ("p.jpg", out.getvalue(), "image/jpeg")},
            data={"passport_number": NUMBER},
            headers=headers,
        )
    )
    assert answers[-1].status_code == 200
    # A query parameter the search does not know.
    answers.append(
        client.get("/v1/applicants", params={"name": "nguyen", "passport": NUMBER}, headers=headers)
    )
    assert answers[-1].status_code == 200
    # A dated proof: the date is used, the document forgotten.
    answers.append(
        client.post(
            f"/v1/applicants/{applicant_id}/proofs",
            json={"document": "utility_bill", "document_date": today().isoformat()},
            headers=headers,
        )
    )
    assert answers[-1].status_code == 201
    _assert_nowhere(database_url, every_log, answers)
    assert "utility_bill" not in repr(dump_database(database_url))
