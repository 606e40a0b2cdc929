from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import typer
from rich import print as rprint
from rich.table import Table

from app.cli.output import JSON_OPTION, reported_errors
from app.cli.session import command_session
from app.keys import service
from app.keys.models import SigningKeyRecord


def _key_json(record: SigningKeyRecord) -> dict[str, str | None]:
    def iso(value: date | datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "kid": record.kid,
        "created_at": record.created_at.isoformat(),
        "signs_until": iso(record.signs_until),
        "withdrawn_at": iso(record.withdrawn_at),
        "last_card_expires": iso(record.last_card_expires),
    }


keys = typer.Typer(help="Credential signing keys.", no_args_is_help=True)


@keys.command("create")
def create() -> None:
    """Create a signing key (the first, or a new one that takes over signing)."""
    with command_session() as session:
        record = service.create_key(session, actor="cli")
    rprint(f"signing key [bold]{record.kid}[/bold] created; it signs from now on")


@keys.command("rotate")
def rotate() -> None:
    """A new key signs from now on; the old one stays published until its cards expire."""
    with command_session() as session:
        record = service.rotate(session, actor="cli")
    rprint(f"rotated: [bold]{record.kid}[/bold] signs from now on")


@keys.command("list")
def list_keys(as_json: bool = JSON_OPTION) -> None:
    """Every key with its life."""
    table = Table("kid", "created", "signs until", "withdrawn", "last card expires")
    with command_session() as session:
        records = service.all_keys(session)
        if as_json:
            print(json.dumps([_key_json(r) for r in records], indent=2))
            return
        for r in records:
            table.add_row(
                r.kid,
                f"{r.created_at:%Y-%m-%d}",
                str(r.signs_until or "now"),
                str(r.withdrawn_at or ""),
                str(r.last_card_expires or ""),
            )
    rprint(table)


@keys.command("withdraw")
def withdraw(kid: str) -> None:
    """Stop publishing a key: the cards it signed no longer verify."""
    with reported_errors(), command_session() as session:
        service.withdraw(session, kid, actor="cli")
    rprint(f"key [bold]{kid}[/bold] withdrawn")


@keys.command("export")
def export(file: Path) -> None:
    """Write the published key set (JWKS) for offline verifiers to FILE."""
    with command_session() as session:
        jwks = service.jwks(session)
    file.write_text(json.dumps(jwks, indent=2) + "\n")
    rprint(f"{len(jwks['keys'])} key(s) written to {file}")


def register(cli: typer.Typer) -> None:
    cli.add_typer(keys, name="keys")
