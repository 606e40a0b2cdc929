"""Workers racing over one outbox: three `resident-id library worker` processes at once (a
deployment running one beside each server process) still send each Fee Paid once."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey
from tests.support.library import assert_books_agree, pay_fines, report
from tests.support.sip2_library import TestLibrary

FINES = [(f"F-{n}", 100 + n, f"Overdue #{n}") for n in range(8)]


def test_three_workers_at_once_send_each_payment_once(
    client: TestClient,
    desk: MerchantKey,
    auditor: Headers,
    new_patron: Callable[..., Holder],
    login: Callable[..., Headers],
    sip2: TestLibrary,
    sip2_env: dict[str, str],
) -> None:
    patron = new_patron(*FINES)
    clerk = login("clerk", branch="ives-library")
    loaded = client.post(
        f"/v1/cards/{patron.number}/loads",
        json={"amount_cents": 5000},
        headers={**clerk, "Idempotency-Key": "load-1"},
    )
    assert loaded.status_code == 201, loaded.text
    paid = pay_fines(client, desk.headers, patron.qr, [(f, c) for f, c, _ in FINES])
    assert paid.status_code == 201, paid.text

    # Answers take a while, so the workers' passes overlap (each must skip what another took).
    sip2.state.fee_paid_delay = 0.4
    workers = [
        subprocess.Popen(
            [".venv/bin/resident-id", "library", "worker", "--once"],
            env=sip2_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs

    accepted = sum(int(out.split(",")[0].removeprefix("accepted ")) for out, _ in outputs)
    assert accepted == len(FINES)
    sent = Counter(b.transaction_id for b in sip2.booked())
    assert sorted(sent.values()) == [1] * len(FINES)
    assert set(sent) == {c["receipt_number"] for c in paid.json()["charges"]}
    assert sip2.outstanding(patron.number) == {}
    assert_books_agree(sip2, report(client, auditor))
