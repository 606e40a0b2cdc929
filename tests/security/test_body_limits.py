"""Request bodies are bounded per route (small by default, more for a photo or a meter's upload),
a huge body is refused before it is read, and a client that sends its body too slowly is dropped.
The streaming cases run against a real server over a raw socket."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from app.config import settings
from tests.support.http import Headers
from tests.support.served import SERVE, serving

# The test server gives a body this long to arrive.
BODY_TIMEOUT = 2


@pytest.fixture(scope="module")
def server(database_url: str, data_dir: Path) -> Iterator[int]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RESIDENT_ID_DATA_DIR": str(data_dir),
        "RESIDENT_ID_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
    }
    with serving(SERVE, env, tracebacks_fail=False) as served:
        yield served.port


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    # A bound on how long the test waits for the server, not a measured figure.
    sock.settimeout(BODY_TIMEOUT * 10)
    return sock


def _status(sock: socket.socket) -> int:
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    assert head.startswith(b"HTTP/1.1 "), head
    return int(head.split(b" ")[1])


def _headers(content_length: int | None) -> bytes:
    lines = [
        "POST /v1/eligibility HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {content_length}" if content_length else "Transfer-Encoding: chunked",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _closed(sock: socket.socket) -> bool:
    """True once the server has closed the connection (what is left unread is drained)."""
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return True
    return True


def test_300_mb_declared_to_the_public_eligibility_check_is_refused_before_it_is_sent(
    server: int,
) -> None:
    with _connect(server) as sock:
        sock.sendall(_headers(300 * 1024 * 1024))
        # Not one byte of the body was sent, and the answer is already here.
        assert _status(sock) == 413
        assert _closed(sock)


def test_a_chunked_body_past_the_limit_is_cut_off_while_it_streams(server: int) -> None:
    with _connect(server) as sock:
        sock.sendall(_headers(None))
        chunk = b"x" * 16384
        sent, status = 0, None
        # Far more than the limit would take if the server kept reading.
        while sent < 50 * settings.body_max_bytes:
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
            sock.setblocking(False)
            try:
                if sock.recv(1, socket.MSG_PEEK):
                    break
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
                sock.settimeout(BODY_TIMEOUT * 10)
        status = _status(sock)
        assert status == 413
        assert sent < 50 * settings.body_max_bytes


def test_a_body_sent_too_slowly_is_dropped(server: int) -> None:
    with _connect(server) as sock:
        sock.sendall(_headers(1000) + b'{"answers": ')
        # Then nothing more: the server gives up waiting and closes the connection.
        assert _status(sock) == 408
        assert _closed(sock)


def test_a_small_body_still_gets_through_the_real_server(server: int) -> None:
    response = httpx2.post(f"http://127.0.0.1:{server}/v1/eligibility", json={"proofs": []})
    assert response.status_code != 413
    assert response.status_code < 500


def test_the_default_limit_applies_to_every_json_route(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    big = {"name": "x" * (settings.body_max_bytes + 1), "category": "library"}
    response = client.post("/v1/merchants", json=big, headers=login("admin"))
    assert response.status_code == 413


def test_a_photo_may_be_larger_than_the_default_but_not_larger_than_its_own_limit(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    clerk = login("clerk")
    applicant = client.post(
        "/v1/applicants",
        json={
            "given_name": "Ana",
            "family_name": "Lopez",
            "date_of_birth": "1990-01-01",
            "address": {"street": "1 Elm St", "city": "New Haven", "postal_code": "06510"},
        },
        headers=clerk,
    ).json()
    url = f"/v1/applicants/{applicant['id']}/photo"
    # Past the default limit, within the photo's: the photo is read (and is not an image).
    middling = b"\xff" * (settings.body_max_bytes * 4)
    response = client.put(url, files={"photo": ("p.jpg", middling, "image/jpeg")}, headers=clerk)
    assert response.status_code == 422, response.text
    huge = b"\xff" * (settings.body_max_bytes_photo + 1)
    response = client.put(url, files={"photo": ("p.jpg", huge, "image/jpeg")}, headers=clerk)
    assert response.status_code == 413


def test_the_limits_are_documented_in_the_api_description(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    photo = paths["/v1/applicants/{applicant_id}/photo"]["put"]
    assert photo["x-max-body-bytes"] == settings.body_max_bytes_photo
    upload = paths["/v1/parking/offline-charges"]["post"]
    assert upload["x-max-body-bytes"] == settings.body_max_bytes_offline_upload
