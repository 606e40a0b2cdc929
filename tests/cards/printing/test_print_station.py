"""The printer workstation against a real server: the whole loop, outages, a failing printer.

Each test starts `resident-id serve` on a free port and runs `resident-id print-station` in
another process, as a city's printer room would.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.cards.models import Card
from app.cards.printing.models import PrintJob
from app.keys.service import ensure_signing_key
from cards.credential import verify_qr
from cards.keys import KeySet
from tests.support.applicants import ready_to_approve
from tests.support.builders import TEST_PASSWORD, make_card, make_user
from tests.support.http import Login
from tests.support.ipp_printer import JAMS, PRINTS, Simulator, needs_ippeveprinter
from tests.support.served import free_port

pytestmark = pytest.mark.slow


COMMAND = ".venv/bin/resident-id"


@dataclass
class Server:
    url: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [COMMAND, "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def server(cli_env: dict[str, str], tmp_path: Path, session: Session) -> Iterator[Server]:
    """A server on a free port, not started yet; stopped after the test."""
    ensure_signing_key(session)  # PostgreSQL deployments make their first key by command
    session.commit()
    port = free_port()
    srv = Server(f"http://127.0.0.1:{port}", port, cli_env, tmp_path / "server.log")
    yield srv
    srv.stop()


def _token(login: Login) -> str:
    return login("printer")["Authorization"].removeprefix("Bearer ")


def _station(server: Server, *args: str) -> list[str]:
    return [COMMAND, "print-station", "--server", server.url, "--once", *args]


def _run_station(
    server: Server, token: str, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _station(server, *args),
        env={**server.env, "RESIDENT_ID_TOKEN": token, **(extra_env or {})},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _job(session: Session, card: Card) -> PrintJob:
    session.expire_all()
    return session.scalars(sa.select(PrintJob).where(PrintJob.card_id == card.id)).one()


def _qr_texts(pdf: Path, workdir: Path) -> list[str]:
    """Rasterise every page at 300 dpi and read every QR code zbar finds on them."""
    prefix = workdir / "page"
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(prefix)], check=True)
    pages = sorted(workdir.glob("page*.png"))
    assert len(pages) == 2  # front and back of one CR80 card
    texts: list[str] = []
    for page in pages:
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode in (0, 4), done.stderr  # 4: no code on this page
        texts.extend(line for line in done.stdout.splitlines() if line)
    return texts


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="make tools installs them"
)
def test_an_approved_applicants_card_is_printed_and_its_qr_verifies_against_the_keys(
    server: Server, session: Session, client: TestClient, login: Login, tmp_path: Path
) -> None:
    # At the counter: register, proofs, photo, approval; all through HTTP.
    clerk = login("clerk")
    applicant_id = ready_to_approve(
        client, clerk, given_name="María José", family_name="Núñez-Ortiz", gender="X"
    )
    # Approved by someone other than the clerk who registered them (four eyes).
    approved = client.post(f"/v1/applicants/{applicant_id}/approve", headers=login("supervisor"))
    assert approved.status_code == 201, approved.text
    number = approved.json()["card"]["number"]

    # In the printer room, another process: the station pulls the job and prints it.
    server.start()
    out = tmp_path / "out"
    done = _run_station(server, _token(login), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "1 printed, 0 failed" in done.stderr

    printed = client.get("/v1/print-jobs?status=printed", headers=login("printer")).json()
    assert [(job["card_number"], job["attempts"]) for job in printed] == [(number, 1)]
    assert client.get(f"/v1/cards/{number}", headers=clerk).json()["status"] == "active"
    (pdf,) = out.glob("*.pdf")
    assert pdf.name.startswith(number)
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600  # a photo and a name: owner only

    # The QR, read back from a 300 dpi raster as a verifier's camera would, verifies against
    # the keys the server publishes.
    raster = tmp_path / "raster"
    raster.mkdir()
    (qr_text,) = _qr_texts(pdf, raster)
    keys = KeySet.from_jwks(httpx.get(f"{server.url}/v1/keys", timeout=10).json())
    claims = verify_qr(qr_text, keys).claims
    assert claims.card_number == number
    assert (claims.given_name, claims.family_name) == ("María José", "Núñez-Ortiz")
    assert claims.date_of_birth.isoformat() == "1990-04-12"

    # A second run finds nothing to do and prints nothing again.
    again = _run_station(server, _token(login), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "0 printed, 0 failed" in again.stderr
    assert len(list(out.glob("*.pdf"))) == 1


def test_the_station_rides_out_a_server_that_is_down_at_first(
    server: Server, session: Session, login: Login, tmp_path: Path
) -> None:
    card = make_card(session, status="pending_print")
    log = tmp_path / "station.log"
    with log.open("w") as station_log:
        station = subprocess.Popen(
            _station(server, "--out", str(tmp_path / "out"), "--max-backoff", "1"),
            env={**server.env, "RESIDENT_ID_TOKEN": _token(login)},
            stdout=station_log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while "unreachable" not in log.read_text():
                assert station.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the station never tried the server"
                time.sleep(0.1)
            server.start()
            assert station.wait(timeout=120) == 0, log.read_text()
        finally:
            if station.poll() is None:
                station.kill()
    assert _job(session, card).status == "printed"
    assert "1 printed" in log.read_text()


def test_the_station_gives_up_when_told_to(server: Server, login: Login, tmp_path: Path) -> None:
    done = _run_station(
        server,
        _token(login),
        "--out",
        str(tmp_path),
        "--give-up-after",
        "1",
        "--max-backoff",
        "0.2",
    )
    assert done.returncode == 3
    assert "gave up" in done.stderr


@needs_ippeveprinter
def test_a_printer_failure_is_reported_and_the_job_printed_on_the_next_run(
    server: Server, session: Session, login: Login, tmp_path: Path, ipp_printer: Simulator
) -> None:
    """The printer, not the spooler, decides: a job the printer aborts (no ribbon) is reported
    failed with the printer's reason and activates nothing; the next run prints it."""
    card = make_card(session, status="pending_print")
    ipp_printer.set_command(JAMS)
    server.start()
    token = _token(login)
    journal = tmp_path / "journal"
    args = ("--printer", ipp_printer.uri, "--journal", str(journal))

    first = _run_station(server, token, *args)
    assert first.returncode == 1, first.stderr
    job = _job(session, card)
    assert (job.status, job.attempts) == ("queued", 1)
    assert "aborted" in (job.last_failure or "")
    assert "Out of ribbon" in (job.last_failure or "")
    session.refresh(card)
    assert card.status == "pending_print"
    assert not ipp_printer.printed.exists()

    ipp_printer.set_command(PRINTS)
    second = _run_station(server, token, *args)
    assert second.returncode == 0, second.stderr
    job = _job(session, card)
    assert (job.status, job.attempts) == ("printed", 2)
    session.refresh(card)
    assert card.status == "active"
    assert ipp_printer.printed.read_bytes().startswith(b"%PDF")


def test_a_job_printed_before_a_crash_is_reported_not_printed_again(
    server: Server, session: Session, login: Login, tmp_path: Path
) -> None:
    card = make_card(session, status="pending_print")
    out = tmp_path / "out"
    out.mkdir()
    # The journal says this station printed the job; the crash came before the server heard.
    (out / ".print-station-journal").write_text(f"{_job(session, card).id}\n")
    server.start()
    done = _run_station(server, _token(login), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "not reprinting" in done.stderr
    assert list(out.glob("*.pdf")) == []
    assert _job(session, card).status == "printed"


def test_the_station_signs_in_with_a_username_and_password(
    server: Server, session: Session, tmp_path: Path
) -> None:
    card = make_card(session, status="pending_print")
    user = make_user("printer")
    server.start()
    done = subprocess.run(
        [*_station(server), "--out", str(tmp_path), "--username", user.username],
        env={k: v for k, v in server.env.items() if k != "RESIDENT_ID_TOKEN"},
        input=TEST_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _job(session, card).status == "printed"


@pytest.mark.parametrize(
    ("role", "token_from"), [("printer", "garbage"), ("clerk", "login"), ("printer", "password")]
)
def test_refused_credentials_stop_the_station(
    server: Server,
    session: Session,
    login: Login,
    tmp_path: Path,
    role: str,
    token_from: str,
) -> None:
    card = make_card(session, status="pending_print")
    server.start()
    args = ["--out", str(tmp_path)]
    stdin = None
    if token_from == "password":
        args += ["--username", make_user(role).username]
        stdin = "not the password\n"
    token = login(role)["Authorization"].removeprefix("Bearer ") if token_from == "login" else ""
    env = {**server.env, "RESIDENT_ID_TOKEN": token or "garbage"}
    done = subprocess.run(
        [*_station(server), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    said = {"garbage": "sign in", "login": "not allowed", "password": "sign in"}[token_from]
    assert said in done.stderr
    assert "unreachable" not in done.stderr
    assert _job(session, card).status == "queued"


def test_the_station_needs_somewhere_to_put_cards(server: Server) -> None:
    done = subprocess.run(
        [COMMAND, "print-station", "--server", server.url, "--once"],
        env={**server.env, "RESIDENT_ID_TOKEN": "x"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--out" in done.stderr
