"""`resident-id library ...`: the SIP2 outbox worker, the library's status, the patron export
and the daily reconciliation."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import date
from pathlib import Path
from types import FrameType

import typer

from app.cli.session import command_session, require_database
from app.library import connection, patrons, reconciliation, worker
from app.library.errors import LibraryNotConnected, LibraryUnavailable


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        typer.secho(f"{option} {text!r} is not a date (YYYY-MM-DD)", fg="red")
        raise typer.Exit(2) from None


def _require_connected() -> None:
    try:
        connection.require_connected()
    except LibraryNotConnected as error:
        typer.secho(error.detail, fg="red")
        raise typer.Exit(2) from None


library = typer.Typer(help="The library's own system, over SIP2.", no_args_is_help=True)


@library.command("worker")
def run_worker(
    once: bool = typer.Option(False, help="One pass over the payments due now, then exit."),
) -> None:
    """Send queued fine payments (Fee Paid) to the library, retrying with backoff."""
    _require_connected()
    require_database()  # the worker opens its own sessions: check before the first
    if once:
        system = connection.library_system()
        try:
            tally = worker.send_due(system)
        finally:
            system.close()
        typer.echo(
            f"accepted {tally.accepted}, refused {tally.refused}, "
            f"found paid {tally.found_paid}, failed {tally.failed}"
        )
        return
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo("library worker running (stop with Ctrl-C)")
    worker.run(stop, connection.library_system)


@library.command("status")
def status() -> None:
    """Log in to the library's system and ask its status (SIP2 93 and 99); exits 1 if it fails."""
    _require_connected()
    system = connection.library_system()
    try:
        answer = system.status()
    except LibraryUnavailable as error:
        typer.secho(error.detail, fg="red")
        raise typer.Exit(1) from None
    finally:
        system.close()
    typer.echo(
        f"library system {answer.institution} ({answer.library_name or 'unnamed'}): "
        f"{'online' if answer.online else 'OFFLINE'}; "
        f"takes Fee Paid: {'yes' if answer.takes_fee_paid else 'NO'}"
    )
    if not answer.online:
        raise typer.Exit(1)


@library.command("export-patrons")
def export_patrons(
    since: str = typer.Option(..., help="Cards issued on or after this city day (YYYY-MM-DD)."),
    out: Path | None = typer.Option(None, help="Write the CSV here instead of to stdout."),
) -> None:
    """CSV of the cards issued since a date for the library to import as patrons."""
    day = _day(since, "--since")
    with command_session() as session:
        if out is None:
            count = patrons.export(session, day, sys.stdout, actor="cli")
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = patrons.export(session, day, handle, actor="cli")
    typer.secho(f"exported {count} cards", err=True)


@library.command("report")
def report(
    day: str = typer.Option("", "--date", help="The city day (YYYY-MM-DD); default today."),
) -> None:
    """The day's reconciliation of library-fine charges against the library's answers (JSON)."""
    wanted = _day(day, "--date") if day else None
    with command_session() as session:
        answer = reconciliation.report(session, wanted)
    typer.echo(answer.model_dump_json(indent=2))


def register(cli: typer.Typer) -> None:
    cli.add_typer(library, name="library")
