"""A server restart between the charge and the send: `resident-id serve` alone (its worker
in-process, started by the app's lifespan because SIP2 is configured) takes a fine payment
while the library is down, dies without warning, and the next server sends it once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx2
from fastapi.testclient import TestClient

from tests.library.conftest import FEES
from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey, with_key
from tests.support.library import assert_books_agree, report
from tests.support.served import SERVE, serving
from tests.support.sip2_library import TestLibrary

STARTUP_SECONDS = 90


@contextmanager
def _server(env: dict[str, str]) -> Iterator[tuple[httpx2.Client, subprocess.Popen[bytes]]]:
    with (
        serving(SERVE, env, startup_seconds=STARTUP_SECONDS, tracebacks_fail=False) as served,
        httpx2.Client(base_url=served.url, timeout=60) as http,
    ):
        yield http, served.process


def test_a_payment_charged_before_a_crash_is_sent_once_after_the_restart(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    funded: Callable[[int], Holder],
    sip2: TestLibrary,
    sip2_env: dict[str, str],
) -> None:
    patron = funded(1000)
    fee_id, cents, _ = FEES[0]
    # The server runs alone: its lifespan starts the worker. Backoff stays short for the test.
    env = {
        **os.environ,
        **sip2_env,
        "RESIDENT_ID_SIP2_WORKER_IN_SERVER": "true",
        "RESIDENT_ID_SIP2_BACKOFF_MAX_SECONDS": "0.5",
    }
    sip2.stop()
    with _server(env) as (http, process):
        body = {
            "qr": patron.qr,
            "amount_cents": cents,
            "purpose": "library_fine",
            "reference": fee_id,
            "library_fee_id": fee_id,
        }
        charged = http.post("/v1/charges", json=body, headers=with_key(desk.headers))
        assert charged.status_code == 201, charged.text
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert sip2.booked() == []
    assert report(client, auditor)["payments"][0]["status"] == "pending"

    sip2.start()
    with _server(env):
        deadline = time.monotonic() + STARTUP_SECONDS
        while not sip2.booked():
            assert time.monotonic() < deadline, "the restarted server never sent the payment"
            time.sleep(0.2)
        while report(client, auditor)["payments"][0]["status"] == "pending":
            assert time.monotonic() < deadline, "the answer was never recorded"
            time.sleep(0.2)
    (booked,) = sip2.booked()
    assert booked.transaction_id == charged.json()["receipt_number"]
    ours = report(client, auditor)
    assert ours["payments"][0]["status"] == "accepted"
    assert_books_agree(sip2, ours)
