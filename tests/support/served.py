"""A real server process for the tests that need one (another process, workers, the browser):
started on a free port, used once its /healthz (or /readyz) answers 200, stopped with SIGTERM as a container
runtime stops it, and its output kept for the failure message."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SERVE = [".venv/bin/resident-id", "serve"]
"""The command as an operator runs it (app/cli/serve.py)."""
UVICORN = [".venv/bin/python", "-m", "uvicorn", "app.main:create_app", "--factory"]
"""uvicorn itself, for a test that sets what `serve` does not expose."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, command: Sequence[str], env: Mapping[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=dict(env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def wait_until_up(self, seconds: float, ready: str = "/healthz") -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if httpx.get(f"{self.url}{ready}", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not start:\n{self.output()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> str:
        """SIGTERM, then wait for it; answers everything it printed."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        return self.output()


@contextmanager
def serving(
    command: Sequence[str],
    env: Mapping[str, str],
    *,
    startup_seconds: float = 60,
    ready: str = "/healthz",
    tracebacks_fail: bool = True,
) -> Iterator[Server]:
    """The server, up; stopped when the block ends. A traceback in its output fails the test:
    the server met an error it did not handle, whatever the client saw."""
    server = Server(command, env)
    try:
        server.wait_until_up(startup_seconds, ready)
        yield server
    finally:
        output = server.stop()
        server._log.close()
    if tracebacks_fail:
        assert "Traceback" not in output, output[-3000:]
