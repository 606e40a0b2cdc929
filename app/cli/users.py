from __future__ import annotations

import sys

import typer
from pydantic import ValidationError
from rich import print as rprint

from app.auth import repository, service
from app.auth.errors import WeakPassword
from app.auth.roles import STAFF_ROLES
from app.auth.schemas import PasswordReset, UserCreate, UserRead, UserUpdate
from app.cli.output import EXIT_NOT_FOUND, JSON_OPTION, fail, listing, reported_errors
from app.cli.session import command_session
from app.kit.errors import ResidentIdError


def register(cli: typer.Typer) -> None:
    users = typer.Typer(help="Staff accounts.", no_args_is_help=True)
    cli.add_typer(users, name="users")
    register_reset(users)

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
        rprint(f"created {user.role} [bold]{user.username}[/bold] ({user.id})")

    @users.command("list")
    def list_users(as_json: bool = JSON_OPTION) -> None:
        """Every staff account, active or not."""
        with command_session() as session:
            rows = [UserRead.model_validate(u) for u in repository.list_all(session)]
        listing(rows, ["username", "role", "branch", "active", "id"], as_json=as_json)

    @users.command("disable")
    def disable(username: str) -> None:
        """Disable a staff account: it can no longer sign in or use its tokens."""
        with reported_errors(), command_session() as session:
            user = repository.get_by_username(session, username)
            if user is None:
                fail(f"NotFound: no staff account {username!r}", EXIT_NOT_FOUND)
            service.update_user(session, user.id, UserUpdate(active=False), actor="cli")
        rprint(f"disabled [bold]{username}[/bold]")


def _fail(message: str, code: int) -> typer.Exit:
    rprint(f"[red]{message}[/red]", file=sys.stderr)
    return typer.Exit(code)


def register_reset(users: typer.Typer) -> None:
    @users.command("reset-password")
    def reset_password(username: str) -> None:
        """Set a new password (read from standard input) for a staff account: its tokens end and
        its holder must choose their own password at the next sign-in."""
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            new_password = PasswordReset(new_password=password).new_password
            with command_session() as session:
                user = repository.get_by_username(session, username)
                if user is None:
                    raise _fail("no staff account has this username", 1)
                service.reset_password(session, user.id, new_password, actor="cli")
                name = user.username
        except ValidationError as exc:
            raise _fail(f"password: {exc.errors()[0]['msg']}", 2) from exc
        except WeakPassword as exc:
            raise _fail(f"password: {exc.detail}", 2) from exc
        except ResidentIdError as exc:
            raise _fail(exc.detail, 1) from exc
        rprint(f"reset the password of [bold]{name}[/bold]; it must be changed at the next sign-in")
