from __future__ import annotations

import sys

import typer
from pydantic import ValidationError
from rich import print as rprint

from app.auth import service
from app.auth.roles import STAFF_ROLES
from app.auth.schemas import UserCreate
from app.cli.session import command_session
from app.kit.errors import ResidentIdError


def register(cli: typer.Typer) -> None:
    users = typer.Typer(help="Staff accounts.", no_args_is_help=True)
    cli.add_typer(users, name="users")

    @users.command("create")
    def create(
        username: str,
        role: str = typer.Option(..., help="admin, supervisor, clerk, printer or auditor"),
        branch: str = typer.Option(
            "city-hall", help="The branch whose cash drawer the clerk uses."
        ),
    ) -> None:
        """Create a staff account; the password is read from standard input."""
        if role not in STAFF_ROLES:
            rprint(
                f"[red]unknown role {role!r}; one of {', '.join(STAFF_ROLES)}[/red]",
                file=sys.stderr,
            )
            raise typer.Exit(2)
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            data = UserCreate(username=username, password=password, role=role, branch=branch)
            with command_session() as session:
                user = service.create_user(session, data, actor="cli")
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            rprint(f"[red]{problems}[/red]", file=sys.stderr)
            raise typer.Exit(2) from exc
        except ResidentIdError as exc:
            rprint(f"[red]{exc.detail}[/red]", file=sys.stderr)
            raise typer.Exit(1) from exc
        rprint(f"created {user.role} [bold]{user.username}[/bold] ({user.id})")
