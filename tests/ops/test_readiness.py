"""/readyz answers 200 only when the database answers, its schema is at head and a key can sign;
otherwise 503 with the reason. /healthz stays plain liveness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import migrate
from app.db import create_db_engine, get_session
from app.keys import service as keys
from app.main import create_app


def test_ready_with_a_signing_key(client: TestClient, session: Session) -> None:
    keys.ensure_signing_key(session, actor="test")
    session.commit()
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "problems": []}


def test_not_ready_without_a_signing_key(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert len(body["problems"]) == 1
    assert "signing key" in body["problems"][0]
    # Liveness does not care: the process serves.
    assert client.get("/healthz").status_code == 200


def _client_on(url: str) -> Iterator[TestClient]:
    engine = create_db_engine(url)

    def other_database() -> Iterator[Session]:
        with Session(engine) as s:
            yield s

    app = create_app()
    app.dependency_overrides[get_session] = other_database
    with TestClient(app) as test_client:
        yield test_client
    engine.dispose()


def test_not_ready_when_migrations_are_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    migrate.upgrade(url, "0004")
    for test_client in _client_on(url):
        response = test_client.get("/readyz")
        assert response.status_code == 503
        (problem,) = response.json()["problems"]
        assert problem.startswith("migrations not at head (database at 0004;")


def test_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # Nothing listens on port 1: a PostgreSQL server that cannot be reached.
    url = "postgresql+psycopg://postgres@127.0.0.1:1/resident_id?connect_timeout=2"
    for test_client in _client_on(url):
        response = test_client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["problems"] == ["database unreachable (OperationalError)"]
