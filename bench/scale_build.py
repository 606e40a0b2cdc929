"""Building the benchmark city in a migrated database, the way a bulk load is done: the loaded
tables' keys, indexes and foreign keys are set aside (as the migrations made them, read back
from the catalog), the rows are streamed in with COPY on one connection per table, and then the
keys, indexes and foreign keys are made again, which validates every row against them.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.scale_city import City, Samples, people, staff_and_merchants
from bench.scale_ledger import STREAMS, Ledger, shared_accounts

LOADED = ("applicants", "applicant_name_words", "applicant_name_pairs", "cards", *STREAMS)


def _migration_statement(file: str, name: str) -> str:
    """A statement of a migration, read from its file (migrations are not a package)."""
    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / file
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    statement: str = getattr(module, name)
    return statement


# Name search's words and pairs (migrations 0020 and 0021), made from the loaded names by the
# statements those migrations fill them with for a database that already has applicants.
NAME_WORDS = _migration_statement("20261205_0020_applicant_name_words.py", "FILL_POSTGRESQL")
NAME_PAIRS = _migration_statement("20261205_0021_applicant_name_pairs.py", "FILL")


@dataclass
class SetAside:
    keys: list[tuple[str, str, str]] = field(default_factory=list)
    indexes: list[tuple[str, str]] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)


def set_aside(conn: psycopg.Connection[Any]) -> SetAside:
    """Drop every foreign key, and the loaded tables' keys and indexes; answers how to remake them."""
    saved = SetAside()
    constraints = conn.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        " AND contype IN ('p', 'u', 'f') ORDER BY contype DESC"
    ).fetchall()
    for table, name, kind, definition in constraints:
        if kind == "f":
            saved.foreign_keys.append((table, name, definition))
        elif table in LOADED:
            saved.keys.append((table, name, definition))
    owned = {name for _, name, _ in saved.keys}
    saved.indexes = [
        (name, definition)
        for name, definition in conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            " AND tablename = ANY(%s)",
            (list(LOADED),),
        ).fetchall()
        if name not in owned
    ]
    for table, name, _ in saved.foreign_keys + saved.keys:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in saved.indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()
    return saved


def restore(conn: psycopg.Connection[Any], saved: SetAside) -> None:
    for table, name, definition in saved.keys:
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, definition in saved.indexes:
        conn.execute(definition)
    for table, name, definition in saved.foreign_keys:
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    conn.commit()


@dataclass
class BuildReport:
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _timed(report: BuildReport, what: str, step: Callable[[], object]) -> None:
    started = time.perf_counter()
    step()
    report.seconds[what] = time.perf_counter() - started


@dataclass(frozen=True)
class Shard:
    holders: int
    seed: int
    now: float
    history_days: int
    shard: int
    shards: int
    url: str


@dataclass
class ShardResult:
    rows: dict[str, int]
    drawers: dict[str, int]
    samples: Samples
    last_entry_id: int


def stream_shard(job: Shard) -> ShardResult:
    """One process's share of the holders, streamed on one connection per table."""
    city = City(job.holders, job.seed, job.now, job.history_days, job.shard, job.shards)
    # Leaving the stack ends every COPY, then commits and closes each connection.
    with ExitStack() as stack:
        conns = {
            table: stack.enter_context(psycopg.connect(job.url))
            for table in ("applicants", "cards", *STREAMS)
        }
        for conn in conns.values():
            conn.execute("SET synchronous_commit = off")
        ledger = Ledger(city, stack, conns)
        for holder, opened in people(city, [conns["applicants"], conns["cards"]]):
            ledger.holder_account(holder, opened)
        ledger.finish()
    rows = {table: stream.rows for table, stream in ledger.streams.items()}
    return ShardResult(rows, ledger.drawer_totals, city.samples, ledger.last_entry_id)


def build(city: City, url: str, shards: int, log: Callable[[str], None]) -> BuildReport:
    """Stream the city into the (migrated, empty) database at `url`, `shards` processes at once;
    answers the timings and row counts, and fills `city.samples` from every shard's."""
    report = BuildReport()
    with psycopg.connect(url) as admin:
        # Session settings only: the server is shared and its configuration is not ours to change.
        admin.execute("SET maintenance_work_mem = '1GB'")
        saved = set_aside(admin)
        staff_and_merchants(city, admin)
        jobs = [
            Shard(city.city_holders, city.seed, city.now, city.history_days, k, shards, url)
            for k in range(shards)
        ]
        results: list[ShardResult] = []

        def stream() -> None:
            with multiprocessing.get_context("fork").Pool(shards) as pool:
                results.extend(pool.map(stream_shard, jobs))

        log(f"streaming rows with COPY, {shards} processes ...")
        _timed(report, "copy", stream)
        drawers = dict.fromkeys(city.branches, 0)
        for result in results:
            for table, count in result.rows.items():
                report.rows[table] = report.rows.get(table, 0) + count
            for branch, total in result.drawers.items():
                drawers[branch] += total
            city.samples.merge(result.samples)
        shared_accounts(city, admin, drawers)
        report.rows["ledger_accounts"] += len(city.drawers) + len(city.payables)
        admin.execute(
            "SELECT setval(pg_get_serial_sequence('ledger_entries', 'id'), %s)",
            (max(r.last_entry_id for r in results),),
        )
        admin.commit()
        log("name words ...")
        _timed(report, "name_words", lambda: admin.execute(NAME_WORDS))
        admin.commit()
        log("name pairs ...")
        _timed(report, "name_pairs", lambda: admin.execute(NAME_PAIRS))
        admin.commit()
        log("making keys, indexes and foreign keys again ...")
        _timed(report, "keys_and_indexes", lambda: restore(admin, saved))
    with psycopg.connect(url, autocommit=True) as conn:
        log("VACUUM ANALYZE ...")
        _timed(
            report, "vacuum_analyze", lambda: conn.execute(f"VACUUM (ANALYZE) {', '.join(LOADED)}")
        )
        for table in ("applicants", "cards"):
            report.rows[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # count(*) always answers one row
    return report
