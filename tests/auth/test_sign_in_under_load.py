"""Sign-in under load: the password check holds no write lock, a read never waits for a writer,
and a flood of wrong passwords through a real server (two worker processes) gets 401s and 429s,
never a 500."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from fastapi.testclient import TestClient

from app.db import is_sqlite
from tests.support.builders import make_user
from tests.support.http import Headers
from tests.support.served import UVICORN, serving

ATTEMPTS = 400
IN_FLIGHT = 64


# Commits: it tests SQLite's write lock between two real connections.
@pytest.mark.commits
def test_a_read_proceeds_while_a_writer_holds_the_lock(
    client: TestClient, login: Callable[..., Headers], database_url: str
) -> None:
    if not is_sqlite(database_url):
        pytest.skip("SQLite's single write lock; PostgreSQL has none")
    admin = login("admin")
    answers: list[int] = []
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE users SET branch = branch")
        reader = threading.Thread(
            target=lambda: answers.append(client.get("/v1/users", headers=admin).status_code)
        )
        reader.start()
        # The lock is released only after the read has answered (or after a minute, when the
        # read was stuck behind it): the read must have answered while the lock was held.
        reader.join(timeout=60)
        answered_under_lock = list(answers)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    reader.join()
    assert answered_under_lock == [200]


@pytest.fixture
def server(cli_env: dict[str, str]) -> Iterator[httpx2.Client]:
    """A real server with two worker processes; blocks last long enough to outlive the test."""
    env = {**cli_env, "RESIDENT_ID_SIGN_IN_BACKOFF_SECONDS": "600"}
    # uvicorn itself, as `resident-id serve --workers 2` runs it (app/cli/serve.py), but with
    # kept-alive connections waiting longer than serve's 5 s: while the machine is busy, closing
    # them then races the client's next request on them.
    command = [*UVICORN, "--workers", "2", "--no-access-log", "--timeout-keep-alive", "300"]
    limits = httpx2.Limits(max_connections=IN_FLIGHT + 8, max_keepalive_connections=IN_FLIGHT)
    with (
        serving(command, env, startup_seconds=180) as served,
        httpx2.Client(base_url=served.url, limits=limits, timeout=120) as http,
    ):
        yield http


def test_a_flood_of_wrong_passwords_gets_401_and_429_never_500(server: httpx2.Client) -> None:
    make_user("clerk", username="maria")

    def attempt(n: int) -> int:
        form = {"username": "maria", "password": f"wrong-password-{n}"}
        return server.post("/v1/auth/token", data=form).status_code

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        answers = Counter(pool.map(attempt, range(ATTEMPTS)))

    assert set(answers) <= {401, 429}, answers
    # Once the fifth failure is counted every later try waits; only tries already past the
    # check by then (at most one per request in flight) still reach the password.
    assert answers[429] >= ATTEMPTS - (4 + IN_FLIGHT), answers
    assert answers[401] >= 5, answers
