"""Reproducible installs and the operator's files: hashed locks used everywhere, the image's base
pinned by digest, a build context without keys or databases, --version, and a current .env.example."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parent.parent.parent
CLI = str(ROOT / ".venv/bin/resident-id")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=False, timeout=60)


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text()
    pins = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==(\S+) \\$", text, re.M))
    # Every pinned requirement is followed by at least one hash.
    assert len(re.findall(r"^\S+==\S+ \\\n    --hash=sha256:[0-9a-f]{64}", text, re.M)) == len(pins)
    return pins


def _names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[<>=\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def test_the_locks_pin_every_dependency_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _names(project["dependencies"])
    dev = _names(project["optional-dependencies"]["dev"])
    assert "base45" not in runtime
    prod_lock = _pins(ROOT / "requirements.lock")
    dev_lock = _pins(ROOT / "requirements-dev.lock")
    assert runtime <= set(prod_lock)
    assert runtime | dev <= set(dev_lock)
    assert _pins(ROOT / "requirements-cbor2-6.lock")["cbor2"].startswith("6.")


def test_make_and_the_image_install_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps ." in dockerfile
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    # The assets stage, the build stage and the image: all on the one pinned base.
    assert bases == ["${PYTHON_IMAGE}"] * 3
    (image,) = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile, re.M)
    assert re.fullmatch(r"python:3\.11[\w.-]*-slim[\w.-]*@sha256:[0-9a-f]{64}", image)


def test_the_build_context_keeps_out_keys_databases_and_venvs() -> None:
    rules = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # Everything is excluded first; only source, migrations and the lock are let back in.
    assert rules[0] == "**"
    allowed = {r[1:] for r in rules if r.startswith("!")}
    assert allowed == {
        "requirements.lock",
        "pyproject.toml",
        "README.md",
        "alembic.ini",
        "app/",
        "cards/",
        "migrations/",
        "docker/entrypoint.sh",
    }
    for kept_out in ("var/", ".venv*/", "**/*.seed", "**/*.sqlite3*", "**/token-secret", "**/.env"):
        assert kept_out in rules


def test_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout == f"resident-id {project['version']}\n"
    assert __version__ == project["version"]


@pytest.mark.slow
def test_env_example_is_generated_from_the_settings_and_up_to_date(tmp_path: Path) -> None:
    example = ROOT / ".env.example"
    done = _run("env-example", "--check", str(example))
    assert done.returncode == 0, (
        f"{done.stderr}\nregenerate it: .venv/bin/resident-id env-example > .env.example"
    )
    text = example.read_text()
    assert "DATABASE_URL=sqlite:///var/resident-id.sqlite3\n" in text
    assert "RESIDENT_ID_SECRET_KEY=\n" in text
    assert "RESIDENT_ID_SIGNING_KEY=\n" in text
    stale = tmp_path / "stale.env"
    stale.write_text(text.replace("RESIDENT_ID_STATUS_LIST_SIZE=131072\n", ""))
    refused = _run("env-example", "--check", str(stale))
    assert refused.returncode == 1
    assert "out of date" in refused.stderr
