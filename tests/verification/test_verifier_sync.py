"""A merchant device from the command line: `resident-id verifier sync` against a served app, then
`resident-id verify --dir` answering from the synced folder alone; a list that is not signed by
the synced keys, or older than the one held, is refused and the held one kept."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from app.cards.credentials import status_list_uri
from app.kit.types import utcnow
from cards.keys import SigningKey
from cards.status_list import MEDIA_TYPE, StatusList, issue_status_list_token
from tests.support.http import Login
from tests.support.served import UVICORN, serving
from tests.support.verification import current_key, run_cli, signed_card

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXIT_REFUSED = 6
EXIT_UNREACHABLE = 8


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[str]:
    """The app served by uvicorn on the test database; answers its base URL."""
    env = {**os.environ, "DATABASE_URL": database_url}
    with serving([*UVICORN, "--log-level", "warning"], env) as served:
        yield served.url


class _Files(BaseHTTPRequestHandler):
    """A server answering whatever the test put in `files`: a key set or a list gone wrong."""

    files: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:
        found = self.files.get(self.path)
        if found is None:
            self.send_error(404)
            return
        media_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def rogue() -> Iterator[tuple[str, dict[str, tuple[str, bytes]]]]:
    """A plain HTTP server whose answers the test sets: its base URL and its files."""
    files: dict[str, tuple[str, bytes]] = {}
    handler = type("Handler", (_Files,), {"files": files})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", files
    finally:
        httpd.shutdown()
        httpd.server_close()


def _sync(env: dict[str, str], server: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(env, "verifier", "sync", "--server", server, "--dir", str(folder))


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_a_device_syncs_verifies_and_sees_a_revocation_after_the_next_sync(
    server: str,
    session: Session,
    login: Login,
    offline_env: dict[str, str],
    tmp_path: Path,
) -> None:
    card, qr = signed_card(session)
    device = tmp_path / "device"

    first = _sync(offline_env, server, device)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == "keys.json: written (1 key(s))"
    assert lines[1].startswith("status-lists/1.cwt: written (issued ")
    assert sorted(p.name for p in device.rglob("*")) == ["1.cwt", "keys.json", "status-lists"]

    valid = run_cli(offline_env, "verify", qr, "--dir", str(device))
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("valid: Ánh Nguyễn, born 1990-04-12")

    again = _sync(offline_env, server, device)
    assert again.returncode == 0, again.stderr
    assert [line.split(" (")[0] for line in again.stdout.splitlines()] == [
        "keys.json: unchanged",
        "status-lists/1.cwt: unchanged",
    ]

    lost = httpx.post(
        f"{server}/v1/cards/{card.number}/revoke", json={"reason": "lost"}, headers=login("clerk")
    )
    assert lost.status_code == 200, lost.text
    # Not synced yet: the device still holds the list from before.
    assert run_cli(offline_env, "verify", qr, "--dir", str(device)).returncode == 0

    resynced = run_cli(
        offline_env, "verifier", "sync", "--server", server, "--dir", str(device), "--json"
    )
    assert resynced.returncode == 0, resynced.stderr
    assert [(f["file"], f["outcome"]) for f in json.loads(resynced.stdout)] == [
        ("keys.json", "unchanged"),
        ("status-lists/1.cwt", "written"),
    ]
    revoked = run_cli(offline_env, "verify", qr, "--dir", str(device))
    assert revoked.returncode == 2, revoked.stderr
    assert revoked.stdout.startswith("revoked: Ánh Nguyễn")


def test_a_list_older_than_the_one_held_is_refused_and_the_held_one_kept(
    server: str, session: Session, offline_env: dict[str, str], tmp_path: Path
) -> None:
    _card, qr = signed_card(session)
    device = tmp_path / "device"
    assert _sync(offline_env, server, device).returncode == 0
    # The device already holds a list issued after the one the server now sends (a replay of a
    # list from before a revocation looks like this from the device).
    now = utcnow()
    held = issue_status_list_token(
        StatusList(131_072),
        uri=status_list_uri("1"),
        key=current_key(session),
        issued_at=now + timedelta(hours=1),
        expires_at=now + timedelta(hours=25),
        ttl_seconds=3600,
    )
    (device / "status-lists" / "1.cwt").write_bytes(held)

    replayed = _sync(offline_env, server, device)
    assert replayed.returncode == EXIT_REFUSED
    line = _one_line_error(replayed)
    assert line.startswith("error: status-lists/1.cwt not synced: older than the one held")
    assert line.endswith("the one held is kept")
    assert replayed.stdout == "keys.json: unchanged (1 key(s))\n"
    assert (device / "status-lists" / "1.cwt").read_bytes() == held
    assert run_cli(offline_env, "verify", qr, "--dir", str(device)).returncode == 0


def test_a_tampered_or_foreign_list_or_a_broken_key_set_is_refused(
    server: str,
    rogue: tuple[str, dict[str, tuple[str, bytes]]],
    session: Session,
    offline_env: dict[str, str],
    tmp_path: Path,
) -> None:
    _card, qr = signed_card(session)
    device = tmp_path / "device"
    assert _sync(offline_env, server, device).returncode == 0
    held_keys = (device / "keys.json").read_bytes()
    held_list = (device / "status-lists" / "1.cwt").read_bytes()

    base, files = rogue
    files["/v1/keys"] = ("application/json", httpx.get(f"{server}/v1/keys").content)
    token = httpx.get(f"{server}/v1/status-lists/1").content
    files["/v1/status-lists/1"] = (MEDIA_TYPE, token[:-1] + bytes([token[-1] ^ 1]))
    tampered = _sync(offline_env, base, device)
    assert tampered.returncode == EXIT_REFUSED
    assert "not synced: bad_signature" in _one_line_error(tampered)

    now = utcnow()
    foreign = issue_status_list_token(
        StatusList(131_072),
        uri=status_list_uri("1"),
        key=SigningKey.generate(),
        issued_at=now + timedelta(hours=1),
        expires_at=now + timedelta(hours=25),
        ttl_seconds=3600,
    )
    files["/v1/status-lists/1"] = (MEDIA_TYPE, foreign)
    unsigned = _sync(offline_env, base, device)
    assert unsigned.returncode == EXIT_REFUSED
    assert "not synced: unknown_key" in _one_line_error(unsigned)
    assert (device / "status-lists" / "1.cwt").read_bytes() == held_list

    files["/v1/keys"] = ("application/json", b'{"keys": "not a list"}')
    broken = _sync(offline_env, base, device)
    assert broken.returncode == EXIT_REFUSED
    assert "keys.json not synced: the key set does not parse" in _one_line_error(broken)
    assert broken.stdout == ""
    assert (device / "keys.json").read_bytes() == held_keys

    files.clear()
    gone = _sync(offline_env, base, device)
    assert gone.returncode == EXIT_UNREACHABLE
    assert "HTTP 404" in _one_line_error(gone)
    assert run_cli(offline_env, "verify", qr, "--dir", str(device)).returncode == 0

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    unwritable = _sync(offline_env, server, not_a_folder)
    assert unwritable.returncode == 5
    assert _one_line_error(unwritable).startswith(f"error: cannot write in {not_a_folder}: ")
