"""What bench/scale.py measures on the city it built, each through the app's own services, each
beside a floor measured in the same run where one makes sense. Imported only after the settings'
environment is set (the app reads it once)."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.applicants import service as applicants
from app.applicants.schemas import Address, ApplicantCreate
from app.cards import service as cards
from app.config import settings
from app.db import get_engine, session_factory
from app.keys import service as keys
from app.kit.types import utcnow
from app.payments.ledger import checks, retention
from app.verification import status_lists
from bench.scale_city import Samples
from bench.scale_names import NamePicker
from cards.status_list import verify_status_list_token

ACTOR = "bench"


@dataclass
class Figure:
    what: str
    value: float
    unit: str
    shown: str
    floor: str = ""
    target: str = ""


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(
            f"  {figure.what}: {figure.shown}"
            + (f"  | floor {figure.floor}" if figure.floor else "")
        )

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p * len(ordered)) - 1, 0)]


def dist(ms: list[float]) -> str:
    return f"p50 {pct(ms, 0.5):.2f} ms, p99 {pct(ms, 0.99):.2f} ms (n={len(ms)})"


def timed(calls: Iterable[Callable[[], object]]) -> list[float]:
    out = []
    for call in calls:
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


@contextmanager
def request() -> Iterator[Session]:
    """A unit of work as the request dependency runs one: committed at the end (audit included)."""
    with session_factory()() as session:
        yield session
        session.commit()


def _bare(url: str, sql: str, params: Iterable[tuple[Any, ...]]) -> list[float]:
    with psycopg.connect(url, autocommit=True) as conn:
        return timed(lambda p=p: conn.execute(sql, p, prepare=True).fetchall() for p in params)  # type: ignore[misc]  # p bound per call


def lookups(res: Results, url: str, samples: Samples, n: int) -> None:
    ids = (samples.applicant_ids * n)[:n]
    numbers = (samples.card_numbers * n)[:n]
    pk = _bare(url, "SELECT * FROM applicants WHERE id = %s", ((i,) for i in ids))
    floor = _bare(url, "SELECT * FROM cards WHERE number = %s", ((x,) for x in numbers))

    def lookup(number: str) -> None:
        with request() as session:
            cards.read(session, cards.get_card(session, number, actor=ACTOR))

    ms = timed(lambda x=x: lookup(x) for x in numbers)  # type: ignore[misc]  # x bound per call
    res.add(
        Figure(
            "card lookup by number (cards service: get + read, audited, committed)",
            pct(ms, 0.99),
            "ms p99",
            dist(ms),
            floor=f"bare SELECT by number {dist(floor)}; bare SELECT by primary key {dist(pk)}",
        )
    )


class Captured:
    """The last SQL the search sent that finds matches in order, to EXPLAIN it and to time it
    bare (since migration 0020 a search may send several: counts, then reads of the words; since
    0021 a two-word search sends one, of the pairs)."""

    def __init__(self) -> None:
        self.sql = ""
        self.params: Any = None

    def __call__(self, conn: Any, cursor: Any, sql: str, params: Any, *_: Any) -> None:
        found = any(
            f"FROM {table}" in sql
            for table in ("applicants", "applicant_name_words", "applicant_name_pairs")
        )
        if found and "ORDER BY" in sql:
            self.sql, self.params = sql, params


def searches(res: Results, url: str, samples: Samples, n: int) -> None:
    holders = (samples.holders * n)[:n]
    kinds: dict[str, list[tuple[str, Any]]] = {
        "full name": [(f"{g} {f}", None) for g, f, _ in holders],
        "family name + date of birth": [(f, born) for _, f, born in holders],
        "name prefixes (3 + 4 letters)": [(f"{g[:3]} {f[:4]}", None) for g, f, _ in holders],
    }
    capture = Captured()
    sa.event.listen(get_engine(), "before_cursor_execute", capture)
    for kind, queries in kinds.items():

        def search(name: str, born: Any) -> None:
            with request() as session:
                applicants.search(session, name, born, actor=ACTOR)

        ms = timed(lambda q=q: search(*q) for q in queries)  # type: ignore[misc]  # q bound per call
        with psycopg.connect(url, autocommit=True) as conn:
            plan = [r[0] for r in conn.execute(f"EXPLAIN {capture.sql}", capture.params)]
        bare = _bare(url, capture.sql, [capture.params] * 20)
        res.add(
            Figure(
                f"name search, {kind} (applicants service, audited, committed)",
                pct(ms, 0.99),
                "ms p99",
                dist(ms),
                floor=f"the same SQL bare, last query x20: {dist(bare)}",
                target="< 50 ms p99",
            )
        )
        scans = [line.strip().split("  (cost")[0] for line in plan if "Scan" in line]
        res.note(f"plan for {kind}: " + " / ".join(scans))
    sa.event.remove(get_engine(), "before_cursor_execute", capture)


def status_list(res: Results, url: str, samples: Samples) -> None:
    biggest = max(samples.lists, key=lambda k: samples.lists[k])
    base = utcnow() + timedelta(days=1)
    half = timedelta(hours=settings.status_list_lifetime_hours / 2 + 1)
    signed: list[status_lists.SignedList] = []

    def build(k: int) -> None:
        # Each call is past half the previous token's lifetime, so the list is built and signed.
        with request() as session:
            signed.append(status_lists.signed_list(session, biggest, now=base + half * k))

    cold = timed(lambda k=k: build(k) for k in range(5))  # type: ignore[misc]  # k bound per call
    last = signed[-1]
    cached = timed(lambda: build(4) for _ in range(20))
    floor = _bare(
        url,
        "SELECT status_index FROM cards WHERE status_list_id = %s AND status = 'revoked'",
        [(biggest,)] * 5,
    )
    with request() as session:
        keyset = keys.published_keyset(session)
    verify = timed(
        lambda: verify_status_list_token(last.token, keyset, now=last.issued_at) for _ in range(20)
    )
    statuses = verify_status_list_token(last.token, keyset, now=last.issued_at).statuses
    revoked = sum(statuses.get(i) for i in range(statuses.size))
    res.add(
        Figure(
            "status list: read, build and sign (signed_list, content changed)",
            pct(cold, 0.5) / 1000,
            "s median",
            f"median {pct(cold, 0.5) / 1000:.2f} s, max {max(cold) / 1000:.2f} s (n=5)",
            floor=f"bare SELECT of the revoked indexes {dist(floor)}",
            target="< 2 s",
        )
    )
    res.add(
        Figure(
            "status list: a request served from the signed copy (fingerprint query only)",
            pct(cached, 0.99),
            "ms p99",
            dist(cached),
        )
    )
    res.add(
        Figure(
            "status list: what a verifier downloads and checks",
            len(last.token) / 1024,
            "KiB",
            f"{len(last.token) / 1024:.1f} KiB token for {statuses.size:,} entries"
            f" ({revoked:,} revoked); verify + inflate {dist(verify)}",
        )
    )
    res.note(
        f"{len(samples.lists)} list(s) of {settings.status_list_size:,} entries (1 bit each);"
        f" cards per list: {samples.lists}"
    )


def registrations(res: Results, url: str, n: int, picker: NamePicker) -> None:
    bodies = []
    for k in range(n):
        given, family = picker.pair()
        bodies.append(
            ApplicantCreate(
                given_name=given,
                family_name=family,
                date_of_birth=date(1950 + k % 50, 1 + k % 9, 10 + k % 9),
                address=Address(street="250 Broadway", city="New York", postal_code="10007"),
            )
        )

    def register(body: ApplicantCreate) -> None:
        with request() as session:
            applicants.register(session, body, actor=ACTOR)

    started = time.perf_counter()
    ms = timed(lambda b=b: register(b) for b in bodies)  # type: ignore[misc]  # b bound per call
    rate = n / (time.perf_counter() - started)
    with psycopg.connect(url) as conn:

        def insert_row() -> None:
            conn.execute(
                "INSERT INTO applicants (id, given_name, family_name, name_key, name_skeleton,"
                " date_of_birth, street, city, postal_code, address_on_card, status, created_at)"
                " VALUES (gen_random_uuid()::text, 'Floor', 'Row', 'floor row', 'floor row',"
                " '1980-01-01',"
                " '1 Main St', 'New York', '10007', true, 'pending', now())"
            )
            conn.commit()

        floor = timed(insert_row for _ in range(n))
    res.add(
        Figure(
            "registration, one clerk after another (applicants service, committed)",
            rate,
            "per s",
            f"{rate:.0f}/s, {dist(ms)}",
            floor=f"bare one-row INSERT + COMMIT: {1000 * n / sum(floor):.0f}/s, {dist(floor)}",
        )
    )


def ledger(res: Results, url: str, *, rollup: bool = True) -> None:
    floor = _bare(url, "SELECT count(*), sum(amount_cents) FROM ledger_entries", [()])
    started = time.perf_counter()
    with request() as session:
        report = checks.check(session)
    seconds = time.perf_counter() - started
    res.add(
        Figure(
            "ledger check (app.payments.ledger.checks.check)",
            seconds,
            "s",
            f"{seconds:.1f} s, {'holds' if report.ok else 'BROKEN: ' + report.problems[0]}:"
            f" {report.transfers:,} transfers, {report.entries:,} entries, {report.accounts:,} accounts",
            floor=f"one bare pass over the entries (count, sum): {floor[0] / 1000:.1f} s",
            target="< 60 s",
        )
    )
    if not rollup:
        return
    started = time.perf_counter()
    with request() as session:
        rolled = retention.rollup(session, actor=ACTOR)
    seconds = time.perf_counter() - started
    res.add(
        Figure(
            "ledger rollup (app.payments.ledger.retention.rollup; runs a check first)",
            seconds,
            "s",
            f"{seconds:.1f} s: {rolled.transfers:,} transfers before"
            f" {rolled.before.date()} into {rolled.periods} monthly totals",
        )
    )
    started = time.perf_counter()
    with request() as session:
        after = checks.check(session)
    res.note(
        f"ledger check after the rollup: {'holds' if after.ok else 'BROKEN'}"
        f" ({after.entries:,} entries, {time.perf_counter() - started:.1f} s)"
    )
