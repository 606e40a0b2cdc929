"""`resident-id branches`: add and list the city's branches."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError
from rich import print as rprint

from app.branches import service
from app.branches.schemas import BranchCreate
from app.cli.session import command_session
from app.kit.errors import ResidentIdError


def register(cli: typer.Typer) -> None:
    branches = typer.Typer(help="Branches: City Hall, library branches.", no_args_is_help=True)
    cli.add_typer(branches, name="branches")

    @branches.command("add")
    def add(
        code: str = typer.Argument(..., help="The branch's code, e.g. city-hall."),
        name: str = typer.Option(..., help="Its name as residents know it."),
        address: str | None = typer.Option(None, help="Its street address."),
        hours: str | None = typer.Option(None, help="Its opening hours, as residents read them."),
    ) -> None:
        """Add a branch; staff accounts and cash drawers may then name it."""
        try:
            body = BranchCreate(code=code, name=name, address=address, opening_hours=hours)
            with command_session() as session:
                branch = service.add(session, body, actor="cli")
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            rprint(f"[red]{problems}[/red]", file=sys.stderr)
            raise typer.Exit(2) from exc
        except ResidentIdError as exc:
            rprint(f"[red]{exc.detail}[/red]", file=sys.stderr)
            raise typer.Exit(1) from exc
        rprint(f"added branch [bold]{branch.code}[/bold] ({branch.name})")

    @branches.command("list")
    def list_() -> None:
        """Every branch, by code."""
        with command_session() as session:
            for branch in service.list_all(session):
                print(f"{branch.code}\t{branch.name}")
