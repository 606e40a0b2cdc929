"""The command run where there is no database: a command that needs one says so in one line and
exits 7 (no traceback, no empty SQLite file left behind); a command that needs none never opens
one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

COMMAND = str(Path(sys.executable).parent / "resident-id")
EXIT_NO_DATABASE = 7


def _run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The command from a folder with no `var/` and no DATABASE_URL (unless one is given)."""
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RESIDENT_ID_DATABASE_URL")
    }
    return subprocess.run(
        [COMMAND, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_keys_export_outside_the_repository_says_there_is_no_database(tmp_path: Path) -> None:
    done = _run(tmp_path, "keys", "export", "keys.json")
    assert done.returncode == EXIT_NO_DATABASE
    line = _one_line(done)
    assert line.startswith("error: no database at sqlite:///var/resident-id.sqlite3 (")
    assert str(tmp_path / "var" / "resident-id.sqlite3") in line
    assert "resident-id db upgrade" in line
    assert "DATABASE_URL" in line
    assert list(tmp_path.iterdir()) == []


def test_an_empty_database_file_is_named_as_having_no_schema(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "resident-id.sqlite3").touch()
    done = _run(tmp_path, "users", "list")
    assert done.returncode == EXIT_NO_DATABASE
    assert "has no schema: run `resident-id db upgrade`" in _one_line(done)


def test_an_unreachable_server_is_one_line_without_its_password(tmp_path: Path) -> None:
    done = _run(
        tmp_path, "keys", "list", DATABASE_URL="postgresql://clerk:hunter2@127.0.0.1:1/none"
    )
    assert done.returncode == EXIT_NO_DATABASE
    line = _one_line(done)
    assert line.startswith("error: cannot open the database at postgresql+psycopg://clerk:***@")
    assert "hunter2" not in done.stderr + done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("env-example",),
        ("verify", "not a card", "--dir", "."),
        ("verifier", "sync", "--server", "http://127.0.0.1:1", "--dir", "device"),
    ],
    ids=["version", "env-example", "verify", "verifier sync"],
)
def test_commands_that_need_no_database_never_open_one(tmp_path: Path, args: tuple[str]) -> None:
    _run(tmp_path, *args)
    assert not (tmp_path / "var").exists()
    assert not list(tmp_path.rglob("*.sqlite3*"))
