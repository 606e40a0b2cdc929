"""Merchants from the command line: the desk accounts of a merchant's staff."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError
from rich import print as rprint

from app.cli.session import command_session
from app.kit.errors import ResidentIdError
from app.merchants import staff
from app.merchants.schemas import MerchantStaffCreate


def _fail(message: str, code: int) -> typer.Exit:
    rprint(f"[red]{message}[/red]", file=sys.stderr)
    return typer.Exit(code)


def register(cli: typer.Typer) -> None:
    merchants = typer.Typer(help="Merchants and their desk staff.", no_args_is_help=True)
    cli.add_typer(merchants, name="merchants")
    desk = typer.Typer(help="Accounts for the merchant desk (/merchant/).", no_args_is_help=True)
    merchants.add_typer(desk, name="staff")

    @desk.command("add")
    def add(merchant_id: str, username: str) -> None:
        """A desk account for one of the merchant's staff; the password is read from standard
        input."""
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            data = MerchantStaffCreate(username=username, password=password)
            with command_session() as session:
                account = staff.add(session, merchant_id, data, actor="cli")
                name, account_id = account.username, account.id
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise _fail(problems, 2) from exc
        except ResidentIdError as exc:
            raise _fail(exc.detail, 1) from exc
        rprint(f"added desk account [bold]{name}[/bold] ({account_id})")
