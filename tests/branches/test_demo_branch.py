"""`serve --demo` on a fresh database adds the branch its accounts belong to, and one account a
role (admin, supervisor, clerk, printer), each password printed once."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_demo_creates_its_branch_and_one_account_a_role(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "RESIDENT_ID_DATA_DIR": str(tmp_path / "data"),
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [".venv/bin/resident-id", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the demo server did not start"
            time.sleep(0.2)
        made = dict(re.findall(r"username (\S+), password (\S+) \(shown once\)", log.read_text()))
        assert sorted(made) == ["admin", "clerk", "printer", "supervisor"], log.read_text()
        tokens = {
            name: httpx2.post(
                f"{base}/v1/auth/token", data={"username": name, "password": password}
            ).json()["access_token"]
            for name, password in made.items()
        }
        for name, token in tokens.items():
            me = httpx2.get(f"{base}/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
            assert (me.json()["role"], me.json()["branch"]) == (name, "city-hall")
        headers = {"Authorization": f"Bearer {tokens['admin']}"}
        branches = httpx2.get(f"{base}/v1/branches", headers=headers).json()["items"]
        assert [b["code"] for b in branches] == ["city-hall"]
    finally:
        process.terminate()
        process.wait(timeout=30)
