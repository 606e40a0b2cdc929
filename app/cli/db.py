from __future__ import annotations

import typer
from rich import print as rprint

from app import migrate
from app.config import settings


def register(cli: typer.Typer) -> None:
    db = typer.Typer(help="The database schema.", no_args_is_help=True)
    cli.add_typer(db, name="db")

    @db.command("upgrade")
    def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
        """Apply the migrations (the only way a schema is made)."""
        migrate.upgrade(settings.database_url, revision)
        rprint(f"[green]database at {revision}[/green]")
