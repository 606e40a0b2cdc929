"""Verification through a real server with four worker processes (`resident-id serve --workers 4`):
a key's rate limit holds across the workers, every verification is counted once they stop, and
a merchant key rotated or a staff account disabled is refused by every worker within a second.

Each request opens a connection of its own, so the kernel hands the requests to whichever
worker accepts first: spread over the workers, as a load balancer's would be.
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO

import httpx
import pytest
from sqlalchemy.orm import Session

from app.auth.tokens import issue_token
from app.kit.types import utcnow
from app.verification.models import VerificationCount
from tests.support.builders import make_merchant, make_user
from tests.support.http import Login
from tests.support.served import free_port
from tests.support.verification import signed_card

WORKERS = 4
# A bucket gets one request back every 60 / LIMIT seconds: 10 s here, so the burst below (which
# takes a few seconds on a busy machine, longer on SQLite, whose writers take turns) ends before
# the bucket refills, and exactly LIMIT are admitted. Four workers with a bucket each would have
# admitted up to 4 x LIMIT: all that is sent.
LIMIT = 6
SENT = WORKERS * LIMIT


class Served:
    """`resident-id serve --workers 4` on the test database, up once every worker has started."""

    def __init__(self, env: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        self._log: IO[bytes] = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [".venv/bin/resident-id", "serve", "--workers", str(WORKERS)]
            + ["--port", self.url.rsplit(":", 1)[1]],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 240
        while self.output().count("Application startup complete.") < WORKERS:
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, f"the workers did not start:\n{self.output()}"
            time.sleep(0.2)

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self) -> str:
        """SIGTERM, as a container runtime stops the server; answers everything it logged."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=120)
        return self.output()

    def close(self) -> None:
        self._log.close()

    def post_each_on_a_new_connection(
        self, path: str, bodies: list[dict[str, str]], headers: dict[str, str]
    ) -> list[httpx.Response]:
        """All the requests at once, released together, each on a connection of its own."""
        start = threading.Barrier(len(bodies))

        def send(body: dict[str, str]) -> httpx.Response:
            start.wait()
            return httpx.post(self.url + path, json=body, headers=headers, timeout=120)

        with ThreadPoolExecutor(len(bodies)) as pool:
            return list(pool.map(send, bodies))

    def get_each_on_a_new_connection(
        self, path: str, times: int, headers: dict[str, str]
    ) -> list[httpx.Response]:
        start = threading.Barrier(times)

        def send(_: int) -> httpx.Response:
            start.wait()
            return httpx.get(self.url + path, headers=headers, timeout=120)

        with ThreadPoolExecutor(times) as pool:
            return list(pool.map(send, range(times)))


@pytest.fixture
def serve(cli_env: dict[str, str]) -> Iterator[Served]:
    env = {**cli_env, "RESIDENT_ID_VERIFY_RATE_PER_MINUTE": str(LIMIT)}
    served = Served(env)
    try:
        yield served
    finally:
        output = served.stop()
        served.close()
    # The workers came up once each and stayed up (uvicorn kills a worker it thinks hung).
    assert "died" not in output, output
    assert output.count("Finished server process") == WORKERS, output
    assert "Traceback" not in output, output


def test_a_key_gets_its_limit_not_its_limit_per_worker(serve: Served, session: Session) -> None:
    _card, qr = signed_card(session)
    # Every worker has answered before the burst, so none is still loading while it runs; each
    # warm-up key stays within its own limit.
    for n in range(WORKERS):
        _, warm_up = make_merchant(name=f"Warm-up {n}")
        warmed = serve.post_each_on_a_new_connection("/v1/verify", [{"qr": qr}] * LIMIT, warm_up)
        assert {r.status_code for r in warmed} == {200}
    _, headers = make_merchant()

    answers = serve.post_each_on_a_new_connection("/v1/verify", [{"qr": qr}] * SENT, headers)

    # The bucket starts full with a minute's allowance: LIMIT admitted, the rest refused.
    assert Counter(r.status_code for r in answers) == {200: LIMIT, 429: SENT - LIMIT}
    for refused in (r for r in answers if r.status_code == 429):
        assert refused.json()["error"] == "RateLimited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_every_verification_is_counted_after_the_workers_stop(
    serve: Served, session: Session
) -> None:
    _card, qr = signed_card(session)
    # Each key within its limit: 2 x WORKERS keys, LIMIT verifications each, a third of them
    # garbage (counted as invalid).
    merchants = [make_merchant(name=f"Branch {n}") for n in range(2 * WORKERS)]
    invalid_each = LIMIT // 3
    valid_each = LIMIT - invalid_each
    for _merchant, headers in merchants:
        bodies = [{"qr": qr}] * valid_each + [{"qr": "garbage"}] * invalid_each
        answers = serve.post_each_on_a_new_connection("/v1/verify", bodies, headers)
        assert {r.status_code for r in answers} == {200}

    # Each worker still holds its share in memory (a fold waits for 1,000 or 30 s); each folds
    # it into the table as SIGTERM stops it.
    serve.stop()

    for merchant, _headers in merchants:
        row = session.get(VerificationCount, (merchant.id, utcnow().date()))
        assert row is not None
        assert (row.valid, row.invalid, row.revoked, row.expired) == (
            valid_each,
            invalid_each,
            0,
            0,
        )


def test_a_rotated_key_is_refused_by_every_worker_within_a_second(
    serve: Served, session: Session, login: Login
) -> None:
    """Each worker keeps merchant keys in memory (app.merchants.service); a rotation reaches the
    workers that did not make it by NOTIFY on PostgreSQL (where an entry would otherwise live a
    minute) and by the entry's one-second life on SQLite."""
    _card, qr = signed_card(session)
    merchant, old_key = make_merchant()
    # Every request authenticates (and so caches the key) before the rate limit answers; sent
    # on new connections, the requests reach every worker.
    warmed = serve.post_each_on_a_new_connection("/v1/verify", [{"qr": qr}] * SENT, old_key)
    assert {r.status_code for r in warmed} <= {200, 429}

    rotated = httpx.post(
        f"{serve.url}/v1/merchants/{merchant.id}/rotate-key", headers=login("admin"), timeout=60
    )
    assert rotated.status_code == 200, rotated.text
    new_key = {"Authorization": f"Bearer {rotated.json()['api_key']}"}
    time.sleep(1.0)

    refused = serve.post_each_on_a_new_connection("/v1/verify", [{"qr": qr}] * SENT, old_key)
    assert Counter(r.status_code for r in refused) == {401: SENT}
    admitted = serve.post_each_on_a_new_connection("/v1/verify", [{"qr": qr}] * SENT, new_key)
    # The new key is known everywhere; the merchant's bucket was emptied by the warm-up.
    assert {r.status_code for r in admitted} <= {200, 429}
    assert Counter(r.status_code for r in admitted)[429] >= 1


def test_a_disabled_staff_account_is_refused_by_every_worker_within_a_second(
    serve: Served, login: Login
) -> None:
    """Each worker keeps the accounts behind staff tokens (app.auth.service): disabling one
    reaches the other workers by NOTIFY on PostgreSQL and by the copy's one-second life on
    SQLite."""
    clerk = make_user("clerk")
    token, _ = issue_token(clerk)
    headers = {"Authorization": f"Bearer {token}"}
    warmed = serve.get_each_on_a_new_connection("/v1/auth/me", SENT, headers)
    assert Counter(r.status_code for r in warmed) == {200: SENT}

    disabled = httpx.patch(
        f"{serve.url}/v1/users/{clerk.id}",
        headers=login("admin"),
        json={"active": False},
        timeout=60,
    )
    assert disabled.status_code == 200, disabled.text
    time.sleep(1.0)

    refused = serve.get_each_on_a_new_connection("/v1/auth/me", SENT, headers)
    assert Counter(r.status_code for r in refused) == {401: SENT}
