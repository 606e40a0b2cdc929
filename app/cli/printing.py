"""`resident-id print-station`: the card-printer workstation, run next to the printer."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

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


# The command's options, named once here so that the command reads as what it does.
ServerOption = Annotated[str, typer.Option(help="The Resident ID server, e.g. https://id.city.gov")]
OutOption = Annotated[Path | None, typer.Option(help="Write each card's PDF into this folder.")]
PrinterOption = Annotated[
    str | None,
    typer.Option(
        help="Print on this CUPS queue (a name) or IPP printer (ipp://...); a card counts "
        "as printed only when the printer reports the job completed."
    ),
]
PrinterTimeoutOption = Annotated[
    float, typer.Option(min=1.0, help="Seconds to wait for the printer to finish one card.")
]
UsernameOption = Annotated[
    str | None,
    typer.Option(
        help=f"Sign in as this printer account (password from ${PASSWORD_ENV} or stdin; "
        f"renewed through the shift); else a token in ${TOKEN_ENV}."
    ),
]
OnceOption = Annotated[
    bool, typer.Option(help="Print what is queued now, then exit (cron, tests).")
]
PollOption = Annotated[
    float, typer.Option(min=0.1, help="Seconds between looks at an empty queue.")
]
MaxBackoffOption = Annotated[
    float, typer.Option(min=0.1, help="Longest wait between retries while the server is down.")
]
GiveUpAfterOption = Annotated[
    float,
    typer.Option(min=0.0, help="With --once: stop after the server has been down this long."),
]
JournalOption = Annotated[
    Path | None,
    typer.Option(help="The record of jobs printed here (default: in --out, else ~/.local/state)."),
]


def _run(station: Station, console: Console, *, once: bool) -> int:
    try:
        return station.run(once=once)
    except StationStopped as stop:
        console.print(f"[red]{stop}[/red]")
        raise typer.Exit(stop.code) from stop
    except KeyboardInterrupt:
        return 130


def print_station(
    server: ServerOption,
    out: OutOption = None,
    printer: PrinterOption = None,
    printer_timeout: PrinterTimeoutOption = 300.0,
    username: UsernameOption = None,
    once: OnceOption = False,
    poll: PollOption = 10.0,
    max_backoff: MaxBackoffOption = 30.0,
    give_up_after: GiveUpAfterOption = 600.0,
    journal: JournalOption = None,
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
        code = _run(station, console, once=once)
    console.print(f"{station.printed} printed, {station.failed} failed")
    raise typer.Exit(code)


def register(cli: typer.Typer) -> None:
    cli.command("print-station")(print_station)
