"""The station's promise, never two cards from one job, when the network or another station
interferes between printing and reporting. Run in-process against the app: the faults are
injected into the station's HTTP transport."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.cards.printing.models import PrintJob
from app.cli.station import Credentials, Journal, Output, Server, Station, StationStopped
from tests.support.builders import make_card
from tests.support.http import Login

# PDFs carry a signed QR: the city needs a signing key first.
pytestmark = pytest.mark.usefixtures("signing_key")


class Recorder(Output):
    """An output that only counts what would have come out of the printer."""

    def __init__(self, on_deliver: Callable[[], None] = lambda: None) -> None:
        super().__init__()
        self.delivered: list[str] = []
        self.on_deliver = on_deliver

    def deliver(self, pdf: bytes, name: str) -> str | None:
        assert pdf.startswith(b"%PDF")
        self.delivered.append(name)
        self.on_deliver()
        return None


def _forwarding(client: TestClient, fault: Callable[[httpx.Request], bool]) -> httpx.Client:
    """An httpx client whose requests reach the app, except those `fault` drops."""

    def handle(request: httpx.Request) -> httpx.Response:
        if fault(request):
            raise httpx.ConnectError("connection reset", request=request)
        answer = client.request(
            request.method, str(request.url), headers=request.headers, content=request.content
        )
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    return httpx.Client(base_url="http://testserver", transport=httpx.MockTransport(handle))


def _station(http: httpx.Client, token: str, output: Output, journal: Path) -> Station:
    console = Console(stderr=True, quiet=True)
    server = Server(
        client=http,
        credentials=Credentials(token=token),
        console=console,
        sleep=lambda _seconds: None,
    )
    return Station(server=server, output=output, journal=Journal(journal), console=console)


def _activations(session: Session) -> int:
    query = sa.select(sa.func.count()).where(AuditEvent.action == "card.activate")
    return session.scalar(query) or 0


def test_a_lost_printed_report_is_retried_and_the_card_printed_once(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    card = make_card(session, status="pending_print")
    dropped: list[str] = []

    def drop_first_report(request: httpx.Request) -> bool:
        if request.url.path.endswith("/printed") and not dropped:
            dropped.append(request.url.path)
            return True
        return False

    output = Recorder()
    token = login("printer")["Authorization"].removeprefix("Bearer ")
    with _forwarding(client, drop_first_report) as http:
        station = _station(http, token, output, tmp_path / "journal")
        assert station.run(once=True) == 0
    assert len(dropped) == 1
    assert len(output.delivered) == 1
    assert station.printed == 1
    session.refresh(card)
    assert card.status == "active"
    assert _activations(session) == 1


def test_a_job_another_station_reported_first_counts_as_done(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    card = make_card(session, status="pending_print")
    job_id = session.scalars(sa.select(PrintJob.id).where(PrintJob.card_id == card.id)).one()
    printer = login("printer")

    def other_station_reports() -> None:
        response = client.post(f"/v1/print-jobs/{job_id}/printed", headers=printer)
        assert response.status_code == 200

    output = Recorder(on_deliver=other_station_reports)
    token = printer["Authorization"].removeprefix("Bearer ")
    with _forwarding(client, lambda _request: False) as http:
        station = _station(http, token, output, tmp_path / "journal")
        assert station.run(once=True) == 0
    assert station.printed == 1
    assert len(output.delivered) == 1
    assert _activations(session) == 1


def test_the_journal_keeps_a_printed_job_from_printing_again(
    client: TestClient, session: Session, login: Login, tmp_path: Path
) -> None:
    make_card(session, status="pending_print")
    token = login("printer")["Authorization"].removeprefix("Bearer ")
    journal = tmp_path / "journal"

    def all_reports_lost(request: httpx.Request) -> bool:
        return request.url.path.endswith("/printed")

    # The server never hears "printed"; the station gives up (as if it crashed) after printing.
    first = Recorder()
    with _forwarding(client, all_reports_lost) as http:
        station = _station(http, token, first, journal)
        station.server.give_up_after = 0
        with pytest.raises(StationStopped, match="gave up"):
            station.run(once=True)
    assert len(first.delivered) == 1

    # Restarted, it finds the job still queued, and reports it without printing it again.
    second = Recorder()
    with _forwarding(client, lambda _request: False) as http:
        station = _station(http, token, second, journal)
        assert station.run(once=True) == 0
    assert second.delivered == []
    assert station.printed == 1
    assert _activations(session) == 1
