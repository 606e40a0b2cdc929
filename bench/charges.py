"""Charges per second on PostgreSQL, 16 concurrent clients, spread over 1,000 cards and all on one
card; each figure beside a floor the same run measures, and `ledger check` after every run.

    .venv/bin/python bench/charges.py [--seconds 5] [--clients 16] [--cards 1000] [--http-only]

(a) In process: the payments service (the QR verified, the card and accounts looked up, the
    idempotency key claimed, the conditional debit, the transfer and its entries, the receipt,
    the stored answer, the audit event) against the floor of the same writes as plain SQL on a
    bare psycopg connection: idempotency INSERT ... ON CONFLICT, the conditional
    `UPDATE ... WHERE balance_cents >= amount` with the daily limit, the transfer, its two
    entries, the charge row, the stored answer. A second floor adds the audit chain append the
    service also makes, to show what that costs. Target: the service at least half the first.
(b) Over HTTP to one server process: `POST /v1/charges` against the cheapest authenticated POST
    the same server has, which is the same route sent without its Idempotency-Key: it reads the
    body, looks up the merchant's key, opens and closes the request's transaction and answers
    400, and moves no money. Target: charges at least a third of it.

It makes its own database on 127.0.0.1:5432 (user postgres) and drops it after. The balance cap
and daily limit are raised for the run so that thousands of one-cent charges fit on one card;
the code path (the conditional UPDATE checks both) is the one production runs. (a) and (b) each
charge a card of their own when all on one card, so neither starts on a row the other has just
updated thousands of times.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = f"resident_id_bench_{os.getpid()}"
DB_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
DATA_DIR = Path(tempfile.mkdtemp(prefix="resident-id-bench-"))

# Before any app import: settings are read once.
os.environ.update(
    {
        "DATABASE_URL": DB_URL,
        "RESIDENT_ID_DATA_DIR": str(DATA_DIR),
        "RESIDENT_ID_SECRET_KEY": "bench-" + secrets.token_hex(16),
        "RESIDENT_ID_BALANCE_CAP_CENTS": "100000000",
        "RESIDENT_ID_DAILY_SPEND_LIMIT_CENTS": "100000000",
        # A load test is a very busy merchant: the verification limit is raised too.
        "RESIDENT_ID_VERIFY_RATE_PER_MINUTE": str(10**9),
    }
)
sys.path.insert(0, str(ROOT))

# The app's modules read the settings when imported: only now. (The floor borrows the audit
# chain's own digest, so its audit events are the ones the service would write.)
from app import migrate  # noqa: E402
from app.applicants.models import Applicant, ApplicantStatus  # noqa: E402
from app.audit.service import _digest as audit_digest  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.auth.principal import Principal  # noqa: E402
from app.auth.roles import Role  # noqa: E402
from app.cards import service as cards_service  # noqa: E402
from app.cards.credentials import qr_text_for  # noqa: E402
from app.cards.models import CardStatus  # noqa: E402
from app.cli.session import command_session  # noqa: E402
from app.db import session_factory  # noqa: E402
from app.keys import service as keys  # noqa: E402
from app.kit.dates import city_day  # noqa: E402
from app.kit.types import utcnow  # noqa: E402
from app.merchants.models import Merchant  # noqa: E402
from app.merchants.service import hash_api_key, new_api_key  # noqa: E402
from app.payments import idempotency  # noqa: E402
from app.payments.charges import service as charges  # noqa: E402
from app.payments.charges.service import receipt_number  # noqa: E402
from app.payments.ledger import accounts as ledger  # noqa: E402
from app.payments.loads import service as loads  # noqa: E402
from app.payments.models import AccountKind  # noqa: E402
from app.payments.schemas import ChargeCreate  # noqa: E402

Worker = Callable[[int], Callable[[], None]]


@dataclass(frozen=True)
class BenchCard:
    number: str
    qr: str
    account_id: str


@dataclass(frozen=True)
class Fixture:
    merchant: Principal
    api_key: str
    payable_id: str
    cards: list[BenchCard]


def seed(cards: int) -> Fixture:
    """Migrate; one merchant, one clerk, `cards` active cards each loaded with $50,000."""
    migrate.upgrade(DB_URL)
    api_key = new_api_key()
    with command_session() as session:
        keys.ensure_signing_key(session)
        merchant = Merchant(
            name="Bench Library",
            category="library",
            api_key_hash=hash_api_key(api_key),
            api_key_prefix=api_key[:12],
        )
        clerk = User(username="bench-clerk", password_hash="-", role="clerk", branch="bench")
        session.add_all([merchant, clerk])
        session.flush()
        issued = []
        for i in range(cards):
            applicant = Applicant(
                given_name="Bench",
                family_name=f"Holder {i}",
                name_key=f"bench holder {i}",
                name_skeleton=f"bench holder {i}",
                date_of_birth=date(1980, 1, 1),
                street="165 Church St",
                city="New Haven",
                postal_code="06510",
                address_on_card=True,
                status=ApplicantStatus.APPROVED,
            )
            session.add(applicant)
            session.flush()
            card = cards_service.issue_card(
                session, applicant, actor="bench", fee_cents=0, fee_waiver=None
            )
            card.status, card.activated_at = CardStatus.ACTIVE, utcnow()
            issued.append(card)
        session.flush()
        teller = Principal(id=clerk.id, role=Role.CLERK, name=clerk.username, branch="bench")
        bench_cards = []
        for card in issued:
            loads.load(session, teller, card.number, 5_000_000)
            account = ledger.find(session, AccountKind.STORED_VALUE, card.applicant_id)
            assert account is not None
            bench_cards.append(BenchCard(card.number, qr_text_for(session, card), account.id))
        payable = ledger.ensure(session, AccountKind.PAYABLE, merchant.id)
        principal = Principal(id=merchant.id, role=Role.MERCHANT, name=merchant.name)
        return Fixture(principal, api_key, payable.id, bench_cards)


def service(fixture: Fixture, cards: list[BenchCard]) -> Worker:
    """The service exactly as the route calls it, minus HTTP and the key lookup."""

    def make(index: int) -> Callable[[], None]:
        factory, pick = session_factory(), random.Random(index).choice

        def op() -> None:
            body = ChargeCreate(
                qr=pick(cards).qr, amount_cents=1, purpose="other", reference="bench"
            )
            with factory() as session:
                idempotency.once(
                    session,
                    fixture.merchant,
                    secrets.token_hex(16),
                    route="POST /v1/charges",
                    params={},
                    body=body,
                    work=lambda: charges.charge(session, fixture.merchant, body),
                )
                session.commit()

        return op

    return make


CLAIM = (
    "INSERT INTO idempotency_keys (principal, scope, key, request_hash, status_code,"
    " response_body, created_at) VALUES (%s, 'http', %s, %s, 0, '', %s)"
    " ON CONFLICT (principal, scope, key) DO NOTHING RETURNING id"
)
DEBIT = (
    "UPDATE ledger_accounts SET balance_cents = balance_cents - %(amount)s,"
    " spent_cents = CASE WHEN spent_on = %(day)s THEN spent_cents ELSE 0 END + %(amount)s,"
    " spent_on = %(day)s"
    " WHERE id = %(id)s AND balance_cents >= %(amount)s"
    " AND CASE WHEN spent_on = %(day)s THEN spent_cents ELSE 0 END + %(amount)s <= %(limit)s"
    " RETURNING balance_cents"
)
TRANSFER = "INSERT INTO ledger_transfers (id, kind, amount_cents, at) VALUES (%s, 'charge', %s, %s)"
ENTRIES = (
    "INSERT INTO ledger_entries (transfer_id, account_id, side, amount_cents)"
    " VALUES (%s, %s, 'debit', %s), (%s, %s, 'credit', %s)"
)
CHARGE = (
    "INSERT INTO charges (id, transfer_id, merchant_id, account_id, amount_cents, shortfall_cents,"
    " refunded_cents, purpose, reference, receipt_number, at)"
    " VALUES (%s, %s, %s, %s, %s, 0, 0, 'other', 'bench', %s, %s)"
)
ANSWER = (
    "UPDATE idempotency_keys SET status_code = 201, response_body = %s"
    " WHERE principal = %s AND scope = 'http' AND key = %s"
)


def plain_sql(fixture: Fixture, cards: list[BenchCard], *, audit: bool) -> Worker:
    """The floor: the charge's writes as plain SQL on a bare connection, READ COMMITTED."""
    actor, amount = fixture.merchant.actor, 1

    def make(index: int) -> Callable[[], None]:
        conn, pick = psycopg.connect(DB_URL), random.Random(index).choice

        def op() -> None:
            card, key, now = pick(cards), secrets.token_hex(16), datetime.now(UTC)
            digest = hashlib.sha256(key.encode()).hexdigest()
            transfer_id, charge_id = str(uuid.uuid4()), str(uuid.uuid4())
            with conn.transaction():
                assert conn.execute(CLAIM, (actor, key, digest, now)).fetchone() is not None
                # The same order as the service: the card's row is locked last.
                conn.execute(TRANSFER, (transfer_id, amount, now))
                conn.execute(
                    ENTRIES,
                    (transfer_id, card.account_id, amount, transfer_id, fixture.payable_id, amount),
                )
                receipt = receipt_number()
                conn.execute(
                    CHARGE,
                    (
                        charge_id,
                        transfer_id,
                        fixture.merchant.id,
                        card.account_id,
                        amount,
                        receipt,
                        now,
                    ),
                )
                balance = conn.execute(
                    DEBIT,
                    {
                        "amount": amount,
                        "day": city_day(now),
                        "id": card.account_id,
                        "limit": 100_000_000,
                    },
                ).fetchone()
                assert balance is not None, "the floor's card ran dry"
                answer = json.dumps(
                    {
                        "id": charge_id,
                        "receipt_number": receipt,
                        "amount_cents": amount,
                        "balance_cents": balance[0],
                    }
                )
                conn.execute(ANSWER, (answer, actor, key))
                if audit:
                    seq, prev = conn.execute(
                        "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
                    ).fetchone() or (0, "")
                    detail = json.dumps({"transfer": transfer_id}, separators=(",", ":"))
                    subject = f"charge:{charge_id}"
                    new = audit_digest(prev, seq + 1, now, actor, "payment.charge", subject, detail)
                    conn.execute(
                        "INSERT INTO audit_events (seq, at, actor, action, subject, detail,"
                        " prev_hash, hash) VALUES (%s, %s, %s, 'payment.charge', %s, %s, %s, %s)",
                        (seq + 1, now, actor, subject, detail, prev, new),
                    )
                    conn.execute(
                        "UPDATE audit_head SET seq = %s, hash = %s WHERE id = 1", (seq + 1, new)
                    )

        return op

    return make


def http_charge(url: str, fixture: Fixture, cards: list[BenchCard]) -> Worker:
    def make(index: int) -> Callable[[], None]:
        http, pick = httpx.Client(base_url=url), random.Random(index).choice
        auth = {"Authorization": f"Bearer {fixture.api_key}"}

        def op() -> None:
            response = http.post(
                "/v1/charges",
                json={
                    "qr": pick(cards).qr,
                    "amount_cents": 1,
                    "purpose": "other",
                    "reference": "bench",
                },
                headers={**auth, "Idempotency-Key": secrets.token_hex(16)},
            )
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code} {response.text[:120]}")

        return op

    return make


def http_get(url: str, path: str) -> Worker:
    """A GET that must answer 200: /healthz (no database), /healthz/database (one SELECT 1
    through the hot paths' pool)."""

    def make(index: int) -> Callable[[], None]:
        http = httpx.Client(base_url=url)

        def op() -> None:
            response = http.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code} {response.text[:120]}")

        return op

    return make


def http_verify(url: str, fixture: Fixture, cards: list[BenchCard]) -> Worker:
    def make(index: int) -> Callable[[], None]:
        http, pick = httpx.Client(base_url=url), random.Random(index).choice
        auth = {"Authorization": f"Bearer {fixture.api_key}"}

        def op() -> None:
            response = http.post("/v1/verify", json={"qr": pick(cards).qr}, headers=auth)
            if response.status_code != 200 or response.json()["status"] != "valid":
                raise RuntimeError(f"{response.status_code} {response.text[:120]}")

        return op

    return make


def http_floor(url: str, fixture: Fixture) -> Worker:
    """The same route, authenticated, without its Idempotency-Key: refused with 400 after the
    merchant's key is looked up; nothing else is done."""

    def make(index: int) -> Callable[[], None]:
        http = httpx.Client(base_url=url)
        auth = {"Authorization": f"Bearer {fixture.api_key}"}

        def op() -> None:
            response = http.post(
                "/v1/charges",
                json={"qr": "x", "amount_cents": 1, "purpose": "other", "reference": "bench"},
                headers=auth,
            )
            if response.status_code != 400:
                raise RuntimeError(f"{response.status_code} {response.text[:120]}")

        return op

    return make


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Run:
    """Many clients calling one operation for a fixed time; throughput and latency."""

    def __init__(self, name: str, clients: int, seconds: float) -> None:
        self.name, self.clients, self.seconds = name, clients, seconds
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self._lock = threading.Lock()

    def go(self, make_worker: Callable[[int], Callable[[], None]]) -> Run:
        workers = [make_worker(i) for i in range(self.clients)]
        start = threading.Barrier(self.clients + 1)
        stop_at = [0.0]

        def loop(op: Callable[[], None]) -> None:
            mine: list[float] = []
            start.wait()
            while (now := time.perf_counter()) < stop_at[0]:
                try:
                    op()
                except Exception as error:  # counted and shown, never hidden
                    with self._lock:
                        self.failures.append(repr(error)[:200])
                mine.append(time.perf_counter() - now)
            with self._lock:
                self.latencies.extend(mine)

        threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        stop_at[0] = time.perf_counter() + self.seconds
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        self.elapsed = time.perf_counter() - began
        return self

    @property
    def rate(self) -> float:
        return (len(self.latencies) - len(self.failures)) / self.elapsed

    def line(self) -> str:
        p50 = percentile(self.latencies, 0.50) * 1000
        p99 = percentile(self.latencies, 0.99) * 1000
        failed = f", {len(self.failures)} FAILED" if self.failures else ""
        return (
            f"  {self.name:<44} {self.rate:>8.0f}/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms{failed}"
        )


def ledger_check() -> str:
    done = subprocess.run(
        [str(ROOT / ".venv/bin/resident-id"), "ledger", "check"],
        env=os.environ,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    verdict = done.stdout.strip().splitlines()[0] if done.stdout.strip() else done.stderr
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit(f"ledger check FAILED after the run: {verdict}")
    return verdict


@contextmanager
def database() -> Iterator[None]:
    admin = sa.create_engine(
        ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{DB_NAME}"')
    try:
        yield
    finally:
        from app.db import get_engine

        get_engine().dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.dispose()
        shutil.rmtree(DATA_DIR, ignore_errors=True)


def cpu_seconds(pid: int) -> float:
    """The process's user and system CPU so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server() -> Iterator[tuple[str, int]]:
    """A server with one worker: its URL and its process (serve execs uvicorn in place)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/resident-id"), "serve", "--port", str(port), "--workers", "1"],
        env=os.environ,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise SystemExit(f"server did not start: {log.read().decode(errors='replace')}")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def in_process(fixture: Fixture, args: argparse.Namespace, results: dict[str, Run]) -> None:
    for spread in ("spread over cards", "all on one card"):
        cards = fixture.cards if spread == "spread over cards" else fixture.cards[:1]
        print(f"\n(a) in process, {spread}")
        for name, worker in (
            ("plain SQL floor", plain_sql(fixture, cards, audit=False)),
            ("plain SQL floor + audit append", plain_sql(fixture, cards, audit=True)),
            ("payments service", service(fixture, cards)),
        ):
            run = Run(name, args.clients, args.seconds).go(worker)
            results[f"a {spread} {name}"] = run
            print(run.line())
            print(f"      {ledger_check()}")
        ratio = (
            results[f"a {spread} payments service"].rate
            / results[f"a {spread} plain SQL floor"].rate
        )
        print(f"  service / plain SQL floor = {ratio:.2f} (target >= 0.50)")


def on_server(pid: int, run: Run, worker: Callable[[int], Callable[[], None]]) -> Run:
    """Run `run` against the server and print it with the server's CPU time per request."""
    used = cpu_seconds(pid)
    run.go(worker)
    used = cpu_seconds(pid) - used
    print(run.line())
    print(f"      server CPU {1000 * used / max(len(run.latencies), 1):.2f} ms a request")
    return run


def over_http(fixture: Fixture, args: argparse.Namespace, results: dict[str, Run]) -> None:
    with server() as (url, pid):
        print("\n(b) over HTTP, one server process: the floors and verification")
        floors = (
            ("GET /healthz", http_get(url, "/healthz")),
            ("GET /healthz/database (async, one SELECT 1)", http_get(url, "/healthz/database")),
            ("POST /v1/verify", http_verify(url, fixture, fixture.cards)),
        )
        for name, worker in floors:
            run = results[f"b {name}"] = on_server(
                pid, Run(name, args.clients, args.seconds), worker
            )
        health = results["b GET /healthz"].rate
        print(f"  verify / healthz = {results['b POST /v1/verify'].rate / health:.2f}")
        for spread in ("spread over cards", "all on one card"):
            # Not (a)'s card: thousands of updates of its row a moment ago, before autovacuum
            # has been by, made every later charge on it slower (benchmarks.md, "One card each").
            own = fixture.cards[1:2] or fixture.cards[:1]  # with --cards 1, the one there is
            cards = fixture.cards if spread == "spread over cards" else own
            print(f"\n(b) over HTTP, one server process, {spread}")
            for name, worker in (
                ("authenticated POST floor (400, no key)", http_floor(url, fixture)),
                ("POST /v1/charges", http_charge(url, fixture, cards)),
            ):
                run = on_server(pid, Run(name, args.clients, args.seconds), worker)
                results[f"b {spread} {name}"] = run
                print(f"      {ledger_check()}")
            charges = results[f"b {spread} POST /v1/charges"]
            ratio = (
                charges.rate / results[f"b {spread} authenticated POST floor (400, no key)"].rate
            )
            print(f"  charges / authenticated POST floor = {ratio:.2f} (target >= 0.33)")
            p99 = percentile(charges.latencies, 0.99) * 1000
            print(
                f"  charges / GET /healthz = {charges.rate / health:.2f} (issue 14: >= 0.15), "
                f"p99 {p99:.1f} ms (issue 14: < 100 ms)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument(
        "--http-only", action="store_true", help="only (b): the server, its floors and charges"
    )
    args = parser.parse_args()

    with database():
        fixture = seed(args.cards)
        print(
            f"PostgreSQL, {args.clients} clients, {args.seconds:.0f} s per figure, "
            f"{args.cards} cards, 1-cent charges; {os.cpu_count()} CPUs"
        )
        print(f"  after seeding: {ledger_check()}")
        results: dict[str, Run] = {}
        if not args.http_only:
            in_process(fixture, args, results)
        over_http(fixture, args, results)
        failures = [f for run in results.values() for f in run.failures]
        if failures:
            raise SystemExit(f"{len(failures)} operations failed, e.g. {failures[0]}")
        print(f"\nfinal: {ledger_check()}")


if __name__ == "__main__":
    main()
