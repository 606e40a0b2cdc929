"""The scan's hot path (app.statements) on PostgreSQL's own async connections."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import get_engine
from app.statements import APPLICATION
from tests.support.builders import make_merchant
from tests.support.verification import signed_card


@pytest.mark.postgres
def test_a_connection_the_server_dropped_answers_503_and_the_next_scan_is_served(
    client: TestClient, session: Session
) -> None:
    _card, qr = signed_card(session)
    _merchant, headers = make_merchant()
    assert client.post("/v1/verify", json={"qr": qr}, headers=headers).status_code == 200

    # A restart or a failover, as the pooled connections see it.
    with get_engine().connect() as admin:
        dropped = admin.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": APPLICATION},
        ).scalar_one()
    assert dropped >= 1

    answers = [client.post("/v1/verify", json={"qr": qr}, headers=headers) for _ in range(3)]

    assert answers[0].status_code == 503, answers[0].text
    assert answers[0].headers["Retry-After"] == "1"
    assert answers[0].json()["error"] == "DatabaseUnavailable"
    # The dropped connection left the pool: the next scans get a live one.
    assert [a.status_code for a in answers[1:]] == [200, 200]
    assert answers[2].json()["status"] == "valid"
