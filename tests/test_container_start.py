"""The image's start script (docker/entrypoint.sh) migrates and serves; run it as the image would."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_entrypoint_migrates_then_serves_health(cli_env: dict[str, str]) -> None:
    port = free_port()
    env = {
        **cli_env,
        "RESIDENT_ID_BIN": str(ROOT / ".venv/bin/resident-id"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": "1",
    }
    server = subprocess.Popen(
        ["sh", str(ROOT / "docker/entrypoint.sh")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert status == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0].decode()
    assert server.returncode in (0, -15), output


def test_entrypoint_refuses_to_start_without_a_database_url() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        ["sh", str(ROOT / "docker/entrypoint.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "DATABASE_URL" in done.stderr
