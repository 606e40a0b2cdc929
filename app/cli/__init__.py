"""The `resident-id` command: one Typer app, each domain adding its own commands."""

from __future__ import annotations

import sys

import typer
from sqlalchemy.exc import OperationalError

from app import __version__
from app.cli import (
    audit,
    branches,
    db,
    keys,
    ledger,
    library,
    merchants,
    ops,
    preapplications,
    printing,
    serve,
    users,
    verification,
    verifier,
)
from app.cli.output import EXIT_NO_DATABASE, fail, reported_errors

cli = typer.Typer(
    name="resident-id",
    help="Resident ID: the city's resident-ID card service.",
    no_args_is_help=True,
    add_completion=False,
)

for module in (
    db,
    serve,
    users,
    audit,
    keys,
    printing,
    verification,
    verifier,
    ledger,
    library,
    merchants,
    branches,
    ops,
    preapplications,
):
    module.register(cli)


def _print_version(value: bool) -> None:
    if value:
        print(f"resident-id {__version__}")
        raise typer.Exit()


@cli.callback()
def _options(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Resident ID: the city's resident-ID card service."""


def main() -> None:
    # Any domain error a command did not handle: one line on stderr and its kind's exit code.
    try:
        with reported_errors():
            try:
                cli()
            except OperationalError as exc:
                # The database went away after the command's check (app.cli.session): one line.
                fail(
                    f"the database stopped answering: {(str(exc.orig).splitlines() or ['?'])[0]}",
                    EXIT_NO_DATABASE,
                )
    except typer.Exit as done:  # raised by reported_errors, outside click's own handling
        sys.exit(done.exit_code)
