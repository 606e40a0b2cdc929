"""`resident-id print-station`: the card-printer workstation, run next to the printer."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import typer
from rich.console import Console

from app.cli.ipp import IppPrinter, printer_uri
from app.cli.station import (
    Credentials,
    Journal,
    Output,
    Server,
    Station,
    StationStopped,
)

TOKEN_ENV = "RESIDENT_ID_TOKEN"
# With --username: the password, else read from stdin (a service manager's credential file).
PASSWORD_ENV = "RESIDENT_ID_PASSWORD"


def _secret(prompt: str) -> str:
    # Piped in (a service manager, a test): read a line; at a terminal: ask without echo.
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True))


def _credentials(username: str | None) -> Credentials:
    if username is not None:
        password = os.environ.get(PASSWORD_ENV) or _secret(f"password for {username}")
        return Credentials(username=username, password=password)
    token = os.environ.get(TOKEN_ENV) or _secret("printer token")
    return Credentials(token=token.strip())


def _default_journal(out: Path | None) -> Path:
    if out is not None:
        return out / ".print-station-journal"
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "resident-id" / "print-station-journal"


def register(cli: typer.Typer) -> None:
    @cli.command("print-station")
    def print_station(
        server: str = typer.Option(..., help="The Resident ID server, e.g. https://id.city.gov"),
        out: Path | None = typer.Option(None, help="Write each card's PDF into this folder."),
        printer: str | None = typer.Option(
            None,
            help="Print on this CUPS queue (a name) or IPP printer (ipp://...); a card counts "
            "as printed only when the printer reports the job completed.",
        ),
        printer_timeout: float = typer.Option(
            300.0, min=1.0, help="Seconds to wait for the printer to finish one card."
        ),
        username: str | None = typer.Option(
            None,
            help=f"Sign in as this printer account (password from ${PASSWORD_ENV} or stdin; "
            f"renewed through the shift); else a token in ${TOKEN_ENV}.",
        ),
        once: bool = typer.Option(False, help="Print what is queued now, then exit (cron, tests)."),
        poll: float = typer.Option(10.0, min=0.1, help="Seconds between looks at an empty queue."),
        max_backoff: float = typer.Option(
            30.0, min=0.1, help="Longest wait between retries while the server is down."
        ),
        give_up_after: float = typer.Option(
            600.0, min=0.0, help="With --once: stop after the server has been down this long."
        ),
        journal: Path | None = typer.Option(
            None, help="The record of jobs printed here (default: in --out, else ~/.local/state)."
        ),
    ) -> None:
        """Pull card print jobs from the server, print them, and report each one printed or failed.

        Exit status: 0 all printed, 1 some failed (they are queued again), 2 the server refused
        the credentials, 3 the server stayed down longer than --give-up-after (with --once).
        """
        console = Console(stderr=True)
        if out is None and printer is None:
            console.print("[red]say where cards go: --out DIR, --printer NAME, or both[/red]")
            raise typer.Exit(2)
        credentials = _credentials(username)
        with httpx.Client(base_url=server.rstrip("/"), timeout=120.0) as client:
            station = Station(
                server=Server(
                    client=client,
                    credentials=credentials,
                    console=console,
                    max_backoff=max_backoff,
                    give_up_after=give_up_after if once else None,
                ),
                output=Output(
                    folder=out,
                    printer=IppPrinter(printer_uri(printer), timeout=printer_timeout)
                    if printer
                    else None,
                ),
                journal=Journal(journal or _default_journal(out)),
                console=console,
                poll_seconds=poll,
            )
            try:
                code = station.run(once=once)
            except StationStopped as stop:
                console.print(f"[red]{stop}[/red]")
                raise typer.Exit(stop.code) from stop
            except KeyboardInterrupt:
                code = 130
        console.print(f"{station.printed} printed, {station.failed} failed")
        raise typer.Exit(code)
