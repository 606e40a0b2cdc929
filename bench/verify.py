"""Card verification throughput, online and offline.

Online: a uvicorn server started here (on a temporary SQLite database, or on $DATABASE_URL when
set), a merchant and printed cards made in setup, then 16 concurrent keep-alive clients (threads
spread over a few processes, loopback only) POST real card QR texts to /v1/verify for a fixed
time; every answer must be 200 and `valid`. The same clients, in the same run, GET /healthz (no
database) and /healthz/database (an async route that runs one `SELECT 1` through the pool the hot
paths use, app.statements): the floors. Issue 14's targets on PostgreSQL, one worker, 16
clients: verify at least half of /healthz's rate with a p99 under 25 ms; on SQLite a p99 under
50 ms.

GET /v1/keys is printed as a third reference: a sync route with a session and one query, what
every database-backed route that is not a hot path pays before doing its own work.

Offline: cards.verifier.OfflineVerifier (key set + status list, no database) against raw Ed25519
signature checks of the same credentials with PyNaCl, in this process: at least half as fast.

    .venv/bin/python bench/verify.py [--seconds 10] [--clients 16] [--cards 200] [--workers 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _client(
    port: int,
    method: str,
    path: str,
    bodies: list[bytes],
    headers: dict[str, str],
    start: float,
    stop: float,
    expect: bytes,
) -> Tally:
    """One keep-alive connection, requests back to back until `stop`; timed from `start`."""
    tally = Tally()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    i = secrets.randbelow(len(bodies))
    while time.perf_counter() < start:
        time.sleep(0.001)
    while (began := time.perf_counter()) < stop:
        body = bodies[i % len(bodies)] if method == "POST" else None
        i += 1
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        tally.latencies.append(time.perf_counter() - began)
        if response.status != 200 or expect not in data:
            tally.failures.append(f"{response.status} {data[:120]!r}")
    conn.close()
    return tally


def _process(
    args: tuple[int, str, str, list[bytes], dict[str, str], int, float, float, bytes],
) -> tuple[list[float], list[str]]:
    port, method, path, bodies, headers, threads, start_in, seconds, expect = args
    # Wall-clock start shared by every process (perf_counter is per process).
    start = time.perf_counter() + max(0.0, start_in - time.time())
    stop = start + seconds
    results: list[Tally] = []
    lock = threading.Lock()

    def run() -> None:
        tally = _client(port, method, path, bodies, headers, start, stop, expect)
        with lock:
            results.append(tally)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return ([x for t in results for x in t.latencies], [x for t in results for x in t.failures])


@dataclass
class Figures:
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: list[str]


def load(
    port: int,
    method: str,
    path: str,
    bodies: list[bytes],
    headers: dict[str, str],
    clients: int,
    seconds: float,
    expect: bytes,
) -> Figures:
    processes = min(clients, 4)
    split = [clients // processes + (1 if k < clients % processes else 0) for k in range(processes)]
    start_at = time.time() + 1.0  # every client connected and waiting before the clock starts
    jobs = [(port, method, path, bodies, headers, n, start_at, seconds, expect) for n in split]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_process, jobs)
    latencies = sorted(x for lat, _ in parts for x in lat)
    failures = [x for _, fail in parts for x in fail]
    return Figures(
        rate=len(latencies) / seconds,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[int(len(latencies) * 0.99) - 1] * 1000,
        requests=len(latencies),
        failures=failures,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def setup(n_cards: int) -> tuple[str, list[str]]:
    """A signing key, a merchant and printed cards; answers the merchant's key and the QR texts."""
    from app import migrate
    from app.applicants.models import Applicant, ApplicantStatus
    from app.cards import service as cards
    from app.cards.credentials import qr_text_for
    from app.cards.printing import service as printing
    from app.config import settings
    from app.db import session_factory
    from app.keys import service as keys
    from app.merchants import service as merchants
    from app.merchants.schemas import MerchantCreate

    migrate.upgrade(settings.database_url)
    with session_factory()() as session, session.begin():
        # A key of our own: on a reused $DATABASE_URL the current key's seed is not in our tmp.
        keys.create_key(session, actor="bench")
        merchant = merchants.create(
            session, MerchantCreate(name="Bench library", category="library"), actor="bench"
        )
        texts = []
        for k in range(n_cards):
            holder = Applicant(
                given_name=f"Holder{k}",
                family_name="Bench",
                name_key=f"holder{k} bench",
                name_skeleton=f"holder{k} bench",
                date_of_birth=date(1980 + k % 30, 1 + k % 12, 1 + k % 28),
                street="165 Church St",
                city="New Haven",
                postal_code="06510",
                status=ApplicantStatus.APPROVED,
            )
            session.add(holder)
            session.flush()
            card = cards.issue_card(session, holder, actor="bench", fee_cents=0, fee_waiver=None)
            printing.activate(session, card, actor="bench")
            texts.append(qr_text_for(session, card))
    return merchant.api_key, texts


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    """The server as `resident-id serve` runs it (app.cli.serve: h11 for its header bound,
    uvloop, no access log), so the figures are production's."""
    from app.cli.serve import uvicorn_command

    command = uvicorn_command(HOST, port, workers)
    # Its log (a JSON line per request, as in production) goes to a file, not this terminal.
    log = tempfile.NamedTemporaryFile(prefix="bench-verify-server-", suffix=".log", delete=False)
    print(f"server log: {log.name}")
    server = subprocess.Popen(
        command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def fetch(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {data[:200]!r}")
    return data


def offline(
    texts: list[str], jwks: dict[str, Any], status_list: bytes, seconds: float
) -> tuple[float, float]:
    """Offline verifications per second, and raw Ed25519 verifications per second."""
    import cbor2
    from nacl.signing import VerifyKey

    from cards.credential import decode_qr
    from cards.keys import KeySet, b64url, unb64url
    from cards.verifier import OfflineVerifier

    verifier = OfflineVerifier(KeySet.from_jwks(jwks))
    verifier.update_status_list(status_list)
    assert all(verifier.verify(t).status == "valid" for t in texts)

    done, stop = 0, time.perf_counter() + seconds
    while time.perf_counter() < stop:
        for text in texts:
            verifier.verify(text)
        done += len(texts)
    offline_rate = done / (seconds + (time.perf_counter() - stop))

    # The same signatures over the same bytes, straight to libsodium with a cached key object.
    by_kid = {jwk["kid"]: VerifyKey(unb64url(jwk["x"])) for jwk in jwks["keys"]}
    signed = []
    for text in texts:
        cose = decode_qr(text).cose
        message = cbor2.dumps(["Signature1", cose.protected, b"", cose.payload])
        signed.append((by_kid[b64url(cose.kid)], message, cose.signature))
    done, stop = 0, time.perf_counter() + seconds
    while time.perf_counter() < stop:
        for key, message, signature in signed:
            key.verify(message, signature)
        done += len(signed)
    raw_rate = done / (seconds + (time.perf_counter() - stop))
    return offline_rate, raw_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per phase")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ["RESIDENT_ID_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("RESIDENT_ID_SECRET_KEY", secrets.token_hex(32))
    # A load test is a very busy merchant: the limit is a setting, raised here.
    os.environ["RESIDENT_ID_VERIFY_RATE_PER_MINUTE"] = str(10**9)
    sys.path.insert(0, str(ROOT))

    database = os.environ["DATABASE_URL"].split("@")[-1]
    print(
        f"database: {database}; {args.cards} cards; {args.clients} clients; "
        f"{args.seconds:g} s per phase; {os.cpu_count()} CPUs; uvicorn workers: {args.workers}"
    )
    api_key, texts = setup(args.cards)
    port = _free_port()
    server = start_server(port, args.workers)
    try:
        bodies = [json.dumps({"qr": t}).encode() for t in texts]
        verify_headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
        # Warm both paths (connections, caches) before the clock runs.
        load(port, "GET", "/healthz", [b""], {}, args.clients, 1.0, b"ok")
        load(port, "POST", "/v1/verify", bodies, verify_headers, args.clients, 1.0, b'"valid"')
        health = load(port, "GET", "/healthz", [b""], {}, args.clients, args.seconds, b"ok")
        pooled = load(
            port, "GET", "/healthz/database", [b""], {}, args.clients, args.seconds, b"ok"
        )
        # A reference that pays what every database route pays (a sync endpoint in the thread
        # pool, a session, one query) and no more: how much of the gap is verification's own.
        keys_route = load(port, "GET", "/v1/keys", [b""], {}, args.clients, args.seconds, b"kid")
        online = load(
            port,
            "POST",
            "/v1/verify",
            bodies,
            verify_headers,
            args.clients,
            args.seconds,
            b'"valid"',
        )
        jwks = json.loads(fetch(port, "/v1/keys"))
        status_list = fetch(port, "/v1/status-lists/1")
    finally:
        server.terminate()
        server.wait(timeout=30)

    measured = (
        ("GET /healthz", health),
        ("GET /healthz/database", pooled),
        ("GET /v1/keys", keys_route),
        ("POST /v1/verify", online),
    )
    for name, figures in measured:
        print(
            f"{name:22} {figures.rate:8.0f} req/s   p50 {figures.p50_ms:6.2f} ms   "
            f"p99 {figures.p99_ms:6.2f} ms   ({figures.requests} requests, "
            f"{len(figures.failures)} failed)"
        )
        for failure in figures.failures[:3]:
            print(f"    failed: {failure}")
    ratio = online.rate / health.rate
    on_postgres = not os.environ["DATABASE_URL"].startswith("sqlite")
    if on_postgres:
        print(f"online verify / healthz: {ratio:.2f} (target at least 0.50)")
        print(f"online verify p99: {online.p99_ms:.1f} ms (target under 25 ms)")
    else:
        print(f"online verify / healthz: {ratio:.2f} (no target on SQLite)")
        print(f"online verify p99: {online.p99_ms:.1f} ms (target under 50 ms on SQLite)")
    print(f"online verify / healthz/database: {online.rate / pooled.rate:.2f}")
    print(f"online verify / GET /v1/keys: {online.rate / keys_route.rate:.2f}")

    offline_rate, raw_rate = offline(texts, jwks, status_list, args.seconds)
    print(f"offline verify   {offline_rate:8.0f} /s")
    print(f"raw Ed25519      {raw_rate:8.0f} /s")
    print(f"offline / raw Ed25519: {offline_rate / raw_rate:.0%} (target at least 50%)")
    if online.failures or health.failures or pooled.failures or keys_route.failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
