"""docker-compose.yml, the reference deployment: its structure is checked everywhere; where a
Docker engine and the compose plugin answer, it is started and its /healthz asked."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.config import Settings
from tests.support.served import free_port

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
# A secret is only ever taken from the environment: required (${NAME:?why}) or, for an optional
# one, empty by default (${NAME:-}). Never a value written in the file.
REQUIRED = re.compile(r"^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$")
OPTIONAL_EMPTY = re.compile(r"^\$\{[A-Z][A-Z0-9_]*:-\}$")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|SIGNING_KEY|TOKEN")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_services_start_in_order_database_then_migrations_then_app() -> None:
    services = compose()["services"]
    assert set(services) >= {"db", "migrate", "app"}
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["migrate"]["entrypoint"] == ["resident-id", "db", "upgrade"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["app"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"}
    }
    # The app runs the very image the migrations were applied from.
    assert services["app"]["image"] == services["migrate"]["image"]


def test_app_has_several_workers_and_a_health_check() -> None:
    app = compose()["services"]["app"]
    workers = re.fullmatch(r"\$\{WORKERS:-(\d+)\}", str(app["environment"]["WORKERS"]))
    assert workers is not None
    assert int(workers.group(1)) >= 2
    assert any("/healthz" in part for part in app["healthcheck"]["test"])
    assert "docker/entrypoint.sh" in (ROOT / "Dockerfile").read_text()


def test_secrets_come_from_the_environment_not_the_file() -> None:
    seen = 0
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            text = str(value)
            if SECRET_NAME.search(key):
                seen += 1
                assert REQUIRED.match(text) or OPTIONAL_EMPTY.match(text), (name, key, text)
            if key == "DATABASE_URL":
                password = re.fullmatch(r"postgresql://[^:]+:(.+)@db:5432/\w+", text)
                assert password is not None, text
                assert REQUIRED.match(password.group(1)), text
    assert seen >= 3


def test_every_app_setting_named_is_one_the_app_reads() -> None:
    known = {f"RESIDENT_ID_{name.upper()}" for name in Settings.model_fields} | {"DATABASE_URL"}
    # Read by docker/entrypoint.sh, not by the settings.
    entrypoint = {"HOST", "PORT", "WORKERS"}
    for service in ("migrate", "app"):
        names = set(compose()["services"][service]["environment"])
        assert names - known - entrypoint == set(), service


def _engine_missing() -> str | None:
    """Why the deployment cannot be started here, or None when it can."""
    if shutil.which("docker") is None:
        return "no docker client on this machine"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    if info.returncode != 0:
        last = (info.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"the docker client is here but no Docker engine answers ({last})"
    plugin = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, check=False
    )
    if plugin.returncode != 0:
        return "a Docker engine answers but the compose plugin is missing"
    return None


@pytest.mark.slow
def test_the_reference_deployment_starts_and_answers_health() -> None:
    missing = _engine_missing()
    if missing is not None:
        print(f"docker-compose.yml not started: {missing}")  # noqa: T201  # the reason, in the log too
        pytest.skip(missing)
    port = free_port()
    env = {
        **os.environ,
        "POSTGRES_PASSWORD": secrets.token_hex(16),
        "RESIDENT_ID_SECRET_KEY": secrets.token_hex(32),
        "RESIDENT_ID_PORT": str(port),
    }
    project = ["docker", "compose", "-f", str(COMPOSE), "-p", f"rid-test-{secrets.token_hex(3)}"]
    try:
        subprocess.run([*project, "up", "-d", "--build"], env=env, check=True)
        # Polled rather than `up --wait`, which some compose versions fail on a one-shot step.
        deadline, status = time.monotonic() + 180, None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
            except httpx.TransportError:
                time.sleep(1)
        assert status == 200
    finally:
        subprocess.run([*project, "down", "-v"], env=env, check=False)
