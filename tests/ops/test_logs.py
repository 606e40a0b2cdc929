"""Structured logs: one JSON object per line, each with the request id (the client's when it is
well formed, else one we make, and returned in X-Request-ID), and nothing personal in any line."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.ops.logs import json_formatter
from tests.support.applicants import register
from tests.support.builders import make_merchant
from tests.support.http import Login
from tests.support.verification import signed_card


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Every record any logger emits, at DEBUG, rendered by the app's JSON formatter."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(json_formatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def _lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_a_clients_request_id_is_kept_returned_and_on_every_line(
    client: TestClient, json_lines: io.StringIO, login: Login
) -> None:
    clerk = login("clerk")
    response = client.get(
        "/v1/auth/me", headers={**clerk, "X-Request-ID": "5f0c6a1e-2b7d-4c3e-9a8f-1d2e3f4a5b6c"}
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "5f0c6a1e-2b7d-4c3e-9a8f-1d2e3f4a5b6c"
    access = [line for line in _lines(json_lines) if line["event"] == "request"]
    assert access[-1]["request_id"] == "5f0c6a1e-2b7d-4c3e-9a8f-1d2e3f4a5b6c"
    assert access[-1]["route"] == "/v1/auth/me"
    assert access[-1]["status"] == 200


@pytest.mark.parametrize(
    "sent",
    ["", "abc123", "a" * 65, "has space in it", "ana-lopez-1990-01-02", "4000123412341234"],
)
def test_a_request_id_of_another_shape_is_replaced(
    client: TestClient, json_lines: io.StringIO, sent: str
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    made = response.headers["X-Request-ID"]
    assert made != sent
    assert str(uuid.UUID(made)) == made
    assert _lines(json_lines)[-1]["request_id"] == made


def test_no_personal_data_reaches_the_logs(
    client: TestClient, session: Session, json_lines: io.StringIO, login: Login
) -> None:
    clerk = login("clerk")
    card, qr = signed_card(session)
    _merchant, merchant = make_merchant()
    registered = register(
        client, clerk, given_name="Zoraida", family_name="Quispe", date_of_birth="1987-06-05"
    )
    calls = [
        client.get("/v1/applicants", params={"name": "Zoraida Quispe"}, headers=clerk),
        client.get("/v1/applicants", params={"date_of_birth": "1987-06-05"}, headers=clerk),
        client.get(f"/v1/applicants/{registered['id']}", headers=clerk),
        client.get(f"/v1/cards/{card.number}", headers=clerk),
        client.post("/v1/verify", json={"qr": qr}, headers=merchant),
        client.post("/v1/verify", json={"qr": qr[:-3] + "AAA"}, headers=merchant),
        client.get(f"/v1/cards/{card.number}", headers={"X-Request-ID": "zoraida-quispe-1987"}),
    ]
    assert [c.status_code for c in calls] == [200, 200, 200, 200, 200, 200, 401]
    lines = _lines(json_lines)
    assert len([line for line in lines if line["event"] == "request"]) == len(calls) + 1
    assert all(line.get("request_id") for line in lines if line["logger"] != "httpx2")
    # httpx2 is the test's own client: it logs the URL it requested, which the server never does.
    server_side = json.dumps([line for line in lines if line["logger"] != "httpx2"]).lower()
    secrets_of_the_holder = [
        "zoraida",
        "quispe",
        "1987-06-05",
        "19870605",
        registered["id"],
        card.number,
        card.applicant_id,
        qr[:40].lower(),
    ]
    for secret in secrets_of_the_holder:
        assert secret.lower() not in server_side, secret
