"""A city the size of New York on PostgreSQL, built fast and measured through the app's services.

    .venv/bin/python bench/scale.py [--holders 1500000] [--compare-with 150000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

It creates a fresh database on that server (and drops it after, unless --keep), brings it to the
schema with the project's migrations, and streams in with COPY (bench/scale_build.py): the
holders (name keys computed by app.applicants.names), their cards (8% revoked and replaced, each
at a random index of the revocation list), and about seven stored-value transfers for every
other holder over 430 days: about 10 million ledger entries for 1.5 million holders, balanced.

Then it measures (bench/scale_measure.py), each beside a floor from the same run: card lookup
by number, name search (three kinds of query, with the plan PostgreSQL chose), the status list
built and signed at that size and what a verifier downloads, registration throughput, `ledger
check`, and `ledger rollup` (which rolls the month older than the retention period). --skip
leaves steps out (`--skip rollup`: the check without the rollup).

With --compare-with M (default 150,000; 0 for none) a city of M holders is built and measured
first, in a child process, and the figures are compared: which grow with the city, which not.
The test suite never builds this data set; only this script does.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# Steps a run can leave out, to measure one change again without waiting for the others.
SKIPPABLE = ("lookups", "searches", "status-list", "registrations", "ledger", "rollup")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--holders", type=int, default=1_500_000)
    parser.add_argument("--compare-with", type=int, default=150_000)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--lookups", type=int, default=1000, help="card lookups to time")
    parser.add_argument("--searches", type=int, default=100, help="searches of each kind")
    parser.add_argument("--registrations", type=int, default=300)
    parser.add_argument("--history-days", type=int, default=430)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--shards", type=int, default=3, help="processes making the rows")
    parser.add_argument("--keep", action="store_true", help="keep the database for inspection")
    parser.add_argument(
        "--skip",
        nargs="+",
        default=[],
        choices=SKIPPABLE,
        help="steps not to measure (the rollup alone takes minutes at 150,000 holders)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--baseline", type=Path, help="compare with this earlier --json run instead of a new one"
    )
    parser.add_argument(
        "--figures", type=Path, help="with --baseline: compare this earlier run, build nothing"
    )
    return parser.parse_args()


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _child(args: argparse.Namespace, holders: int, out: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--holders", str(holders), "--compare-with", "0"]
    for flag in (
        "database_url",
        "lookups",
        "searches",
        "registrations",
        "history_days",
        "seed",
        "shards",
    ):
        command += ["--" + flag.replace("_", "-"), str(getattr(args, flag))]
    if args.skip:
        command += ["--skip", *args.skip]
    subprocess.run([*command, "--json", str(out)], check=True)
    figures: dict[str, float] = json.loads(out.read_text())["values"]
    return figures


def _compare(small: int, large: int, before: dict[str, float], after: dict[str, float]) -> None:
    ratio = large / small
    print(f"\n== growth from {small:,} to {large:,} holders (x{ratio:.0f})")
    for what, value in after.items():
        if what not in before or before[what] <= 0:
            continue
        grew = value / before[what]
        if what.startswith("registration"):
            grew = before[what] / value  # a rate: slower is growth in cost
        if grew >= ratio / 2:
            verdict = "grows linearly with the city"
        elif grew <= 2:
            verdict = "does not grow with the city"
        else:
            verdict = "grows, less than linearly"
        print(f"  {what}: x{grew:.1f} - {verdict}")


def main() -> None:
    args = _args()
    admin_url = _psycopg_url(args.database_url)
    name = f"resident_id_scale_{os.getpid()}"
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    smaller: dict[str, float] = {}
    if args.baseline:
        earlier = json.loads(args.baseline.read_text())
        args.compare_with, smaller = earlier["holders"], earlier["values"]
        if args.figures:
            later = json.loads(args.figures.read_text())
            _compare(args.compare_with, later["holders"], smaller, later["values"])
            return
    elif args.compare_with and args.compare_with < args.holders:
        with tempfile.TemporaryDirectory() as tmp:
            smaller = _child(args, args.compare_with, Path(tmp) / "small.json")

    from bench.scale_city import status_list_size

    # Before any app import: the settings are read once.
    os.environ.update(
        {
            "DATABASE_URL": url,
            "RESIDENT_ID_DATA_DIR": tempfile.mkdtemp(prefix="resident-id-scale-"),
            "RESIDENT_ID_SECRET_KEY": "bench-" + secrets.token_hex(16),
            "RESIDENT_ID_STATUS_LIST_SIZE": str(status_list_size(args.holders)),
        }
    )
    from app import migrate
    from app.db import get_engine
    from bench import scale_measure as measure
    from bench.scale_build import build
    from bench.scale_city import City
    from bench.scale_names import NamePicker

    print(f"== {args.holders:,} holders in database {name}; {_uptime()}")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        migrate.upgrade(url)
        city = City(args.holders, args.seed, time.time(), args.history_days)
        started = time.perf_counter()
        built = build(city, url, args.shards, lambda text: print(f"  {text} ({measure.load()})"))
        total = time.perf_counter() - started
        print(
            f"  built in {total:.0f} s ("
            + ", ".join(f"{k} {v:.0f} s" for k, v in built.seconds.items())
            + "); rows: "
            + ", ".join(f"{k} {v:,}" for k, v in built.rows.items())
        )
        with measure.request() as session:
            from app.keys import service as keys

            keys.create_key(session, actor=measure.ACTOR)
        results = measure.Results()
        steps: list[tuple[str, Callable[[], None]]] = [
            ("lookups", lambda: measure.lookups(results, url, city.samples, args.lookups)),
            ("searches", lambda: measure.searches(results, url, city.samples, args.searches)),
            ("status-list", lambda: measure.status_list(results, url, city.samples)),
            (
                "registrations",
                lambda: measure.registrations(
                    results, url, args.registrations, NamePicker(city.rng)
                ),
            ),
            ("ledger", lambda: measure.ledger(results, url, rollup="rollup" not in args.skip)),
        ]
        for what, step in steps:
            if what in args.skip:
                continue
            print(f"== {what} ({measure.load()})")
            step()
        print(f"== done; {_uptime()}")
        values = {f.what: f.value for f in results.figures}
        if args.json:
            figures = [f.__dict__ for f in results.figures]
            args.json.write_text(
                json.dumps({"holders": args.holders, "values": values, "figures": figures})
            )
        if smaller:
            _compare(args.compare_with, args.holders, smaller, values)
    finally:
        get_engine().dispose()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
