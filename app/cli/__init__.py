"""The `resident-id` command: one Typer app, each domain adding its own commands."""

from __future__ import annotations

import typer

from app.cli import audit, branches, db, keys, ledger, library, printing, serve, users, verification

cli = typer.Typer(
    name="resident-id",
    help="Resident ID: the city's resident-ID card service.",
    no_args_is_help=True,
    add_completion=False,
)

for module in (db, serve, users, audit, keys, printing, verification, ledger, library, branches):
    module.register(cli)


def main() -> None:
    cli()
