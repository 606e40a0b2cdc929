"""The print station's own rules, against a scripted server (httpx's MockTransport): whatever
the server sends, cards land in --out and nowhere else; a sign-in renews itself before its
token runs out; a missing token says "sign in" at once instead of retrying."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from rich.console import Console

from app.cli.station import (
    Credentials,
    Journal,
    Output,
    Server,
    Station,
    StationStopped,
)

PDF = b"%PDF-1.4 a card"
HOSTILE = ["../../../etc/cron.d/evil", "/etc/passwd", "..", "ok/../../x", "C:\\x", "\x00", ""]


def _token(expires_in: float) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part({'exp': time.time() + expires_in})}.signature"


def _station(
    handler: Callable[[httpx.Request], httpx.Response], credentials: Credentials, out: Path
) -> Station:
    console = Console(stderr=True)
    client = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://server")
    return Station(
        server=Server(
            client=client, credentials=credentials, console=console, sleep=lambda _: None
        ),
        output=Output(folder=out),
        journal=Journal(out.parent / "journal"),
        console=console,
    )


def test_the_servers_card_number_never_becomes_a_path_outside_out(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    jobs = [{"id": f"job-{i}", "card_number": number} for i, number in enumerate(HOSTILE)] + [
        {"id": "../../../escape", "card_number": "21234000012344"}
    ]
    printed: set[str] = set()

    def server(request: httpx.Request) -> httpx.Response:
        # The raw path: a job id reaches the server as one quoted segment, never as "..".
        path = request.url.raw_path.decode()
        if path.startswith("/v1/print-jobs?") or path == "/v1/print-jobs":
            return httpx.Response(200, json=[j for j in jobs if j["id"] not in printed])
        if path.endswith("/card.pdf"):
            return httpx.Response(200, content=PDF)
        if path.endswith("/printed"):
            printed.add(unquote(path.split("/")[3]))
            return httpx.Response(200, json={})
        return httpx.Response(404, json={"error": "NotFound", "detail": path})

    station = _station(server, Credentials(token=_token(3600)), out)
    assert station.run(once=True) == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "journal"]
    assert len(written) == len(jobs)
    for path in written:
        assert path.parent == out, path
        assert path.read_bytes() == PDF


def test_a_sign_in_renews_itself_before_its_token_runs_out(tmp_path: Path) -> None:
    sign_ins: list[float] = []
    lifetime = [30.0]  # the first token is nearly spent; later ones last an hour

    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/auth/token":
            sign_ins.append(time.time())
            token = _token(lifetime[0])
            lifetime[0] = 3600
            return httpx.Response(200, json={"access_token": token})
        assert request.headers["authorization"].startswith("Bearer ")
        return httpx.Response(200, json=[])

    credentials = Credentials(username="printer", password="secret")
    station = _station(server, credentials, tmp_path / "out")
    station.queued()
    station.queued()  # 30 s left: renewed before this request, not after a 401
    station.queued()  # an hour left: no sign-in
    assert len(sign_ins) == 2


def test_no_token_says_sign_in_and_stops(tmp_path: Path) -> None:
    def server(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing is sent without credentials")

    station = _station(server, Credentials(token=""), tmp_path / "out")
    with pytest.raises(StationStopped, match="sign in") as stopped:
        station.run(once=True)
    assert stopped.value.code == 2
