"""The schema is made only by migrations: the migrated database must match the models exactly."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.applicants import search_pairs
from app.db import create_db_engine, is_sqlite
from app.models import metadata

# Commits: it opens engines of its own on the test database (and migrates databases of its own).
pytestmark = pytest.mark.commits


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_db_upgrade_builds_a_fresh_sqlite_database(tmp_path: Path, cli_env: dict[str, str]) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    done = subprocess.run(
        [".venv/bin/resident-id", "db", "upgrade"],
        env={**cli_env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    engine = create_db_engine(url)
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables


def test_an_sqlite_database_with_records_upgrades_through_table_rebuilds(tmp_path: Path) -> None:
    """Migrations that rebuild a table (SQLite alters a column by copying the table) must not
    trip over other tables' rows that point at it: a city's existing database upgrades."""
    from app.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'city.sqlite3'}"
    upgrade(url, "0012")
    engine = create_db_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO applicants (id, given_name, family_name, name_key, name_skeleton,"
                " date_of_birth, street, city, postal_code, address_on_card, status, created_at)"
                " VALUES ('a1', 'Ana', 'Pérez', 'ana perez', 'ana perez', '1990-01-02',"
                " '1 Elm St', 'New Haven', '06510', 1, 'approved', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO photos (applicant_id, jpeg, width, height, uploaded_by, uploaded_at)"
                " VALUES ('a1', x'FFD8', 600, 800, 'user:x', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()

    upgrade(url, "head")

    engine = create_db_engine(url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT street, care_of FROM applicants WHERE id = 'a1'")).one()
        assert tuple(row) == ("1 Elm St", None)
        assert conn.execute(sa.text("SELECT count(*) FROM photos")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1  # enforced again
        # The rebuilt tables kept their keys and indexes: the schema is the models' own.
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


@contextmanager
def _scratch_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own, on the backend the suite runs on."""
    if is_sqlite(database_url):
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    url = sa.make_url(database_url)
    name = f"{url.database}_scratch"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def test_applicants_registered_before_0020_get_their_name_words_and_pairs(
    database_url: str, tmp_path: Path
) -> None:
    """Name search reads only the words and pairs tables: migration 0020 fills the words for
    every applicant there is, each word once, marked as the key's, the skeleton's or both
    (Cyrillic а differs), and 0021 the pairs of their heads, lower first in bytewise order, as
    app.applicants.search_pairs makes them for a new name."""
    from app.migrate import upgrade

    with _scratch_database(database_url, tmp_path) as url:
        upgrade(url, "0019")
        engine = create_db_engine(url)
        with engine.begin() as conn:
            for applicant_id, key, skeleton in [
                ("a1", "maria jose garcia", "maria jose garcia"),
                ("a2", "m\u0430ri\u0430 maria soto", "maria maria soto"),
            ]:
                conn.execute(
                    sa.text(
                        "INSERT INTO applicants (id, given_name, family_name, name_key,"
                        " name_skeleton, date_of_birth, address_on_card, status, created_at)"
                        " VALUES (:id, 'x', 'y', :key, :skeleton, '1990-01-02', true,"
                        " 'approved', '2026-01-01 00:00:00')"
                    ),
                    {"id": applicant_id, "key": key, "skeleton": skeleton},
                )
        engine.dispose()

        upgrade(url, "head")

        engine = create_db_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT applicant_id, word, in_key, in_skeleton, name_key, date_of_birth"
                    " FROM applicant_name_words"
                )
            ).all()
            pairs = conn.execute(
                sa.text("SELECT applicant_id, head_low, head_high FROM applicant_name_pairs")
            ).all()
        engine.dispose()
    cyrillic = "m\u0430"
    assert sorted(tuple(p) for p in pairs) == sorted(
        [
            ("a1", "ga", "jo"),
            ("a1", "ga", "ma"),
            ("a1", "jo", "ma"),
            ("a2", "ma", cyrillic),
            ("a2", "ma", "so"),
            ("a2", cyrillic, "so"),
        ]
    )
    assert {(low, high) for a, low, high in pairs if a == "a2"} == search_pairs.pairs_of(
        ["m\u0430ri\u0430", "maria", "soto"]
    )
    born = "1990-01-02"  # SQLite answers text, PostgreSQL a date
    assert sorted((r[0], r[1], bool(r[2]), bool(r[3]), r[4], str(r[5])) for r in rows) == sorted(
        [
            ("a1", "maria", True, True, "maria jose garcia", born),
            ("a1", "jose", True, True, "maria jose garcia", born),
            ("a1", "garcia", True, True, "maria jose garcia", born),
            ("a2", "m\u0430ri\u0430", True, False, "m\u0430ri\u0430 maria soto", born),
            ("a2", "maria", True, True, "m\u0430ri\u0430 maria soto", born),
            ("a2", "soto", True, True, "m\u0430ri\u0430 maria soto", born),
        ]
    )
