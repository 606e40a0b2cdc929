"""Secrets: a placeholder, short or empty token secret or signing key stops the server at start-up
with the reason; a generated secret is written owner-only; the SQLite database and key files are
readable by their owner only."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.served import SERVE, free_port, serving

CLI = ".venv/bin/resident-id"


def _env(cli_env: dict[str, str], tmp_path: Path, **changes: str | None) -> dict[str, str]:
    env = {
        **cli_env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 'resident-id.sqlite3'}",
        "RESIDENT_ID_DATA_DIR": str(tmp_path / "data"),
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _serve(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("change-me", "placeholder"),
        ("please-change-me-before-going-live-0123456789", "placeholder"),
        ("Zq8#fL2m!xR4", "bytes"),
        ("a" * 64, "placeholder"),
    ],
)
def test_the_server_refuses_a_placeholder_or_short_secret(
    cli_env: dict[str, str], tmp_path: Path, secret: str, reason: str
) -> None:
    done = _serve(_env(cli_env, tmp_path, RESIDENT_ID_SECRET_KEY=secret))
    assert done.returncode == 2
    assert "refusing to start" in done.stderr
    assert reason in done.stderr
    assert secret not in done.stdout + done.stderr
    assert not (tmp_path / "db").exists()


def test_the_server_refuses_an_empty_secret_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "token-secret").write_text("\n")
    done = _serve(_env(cli_env, tmp_path, RESIDENT_ID_SECRET_KEY=None))
    assert done.returncode == 2
    assert "empty" in done.stderr


@pytest.mark.parametrize("seed", ["A" * 43, "c2hvcnQ", "not base64 at all!"])
def test_the_server_refuses_a_signing_key_that_is_no_random_seed(
    cli_env: dict[str, str], tmp_path: Path, seed: str
) -> None:
    done = _serve(_env(cli_env, tmp_path, RESIDENT_ID_SIGNING_KEY=seed))
    assert done.returncode == 2
    assert "RESIDENT_ID_SIGNING_KEY" in done.stderr


def test_settings_never_show_the_secrets(cli_env: dict[str, str], tmp_path: Path) -> None:
    secret = "Kp3v9QwZ7mT2xR8bN4cF6hJ1sL5dG0aYeU"
    shown = subprocess.run(
        [".venv/bin/python", "-c", "from app.config import settings; print(settings)"],
        env=_env(cli_env, tmp_path, RESIDENT_ID_SECRET_KEY=secret),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "secret_key" in shown.stdout
    assert secret not in shown.stdout


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_server_makes_its_secret_database_and_keys_owner_only(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = _env(cli_env, tmp_path, RESIDENT_ID_SECRET_KEY=None)
    with serving(SERVE, env, startup_seconds=120):
        pass
    data, db = tmp_path / "data", tmp_path / "db"
    secret = data / "token-secret"
    assert len(secret.read_text().strip()) >= 32
    assert _mode(secret) == 0o600
    assert [p.name for p in data.iterdir() if p.name.endswith(".tmp")] == []
    assert _mode(data) == 0o700
    assert _mode(data / "keys") == 0o700
    seeds = list((data / "keys").iterdir())
    assert seeds
    assert {_mode(seed) for seed in seeds} == {0o600}
    assert _mode(db) == 0o700
    database_files = list(db.iterdir())
    assert "resident-id.sqlite3" in {p.name for p in database_files}
    assert {_mode(p) for p in database_files} == {0o600}
