from __future__ import annotations

import typer
from rich import print as rprint

from app.audit import service
from app.cli.output import bar
from app.cli.session import command_session


def register(cli: typer.Typer) -> None:
    audit = typer.Typer(help="The audit trail.", no_args_is_help=True)
    cli.add_typer(audit, name="audit")

    @audit.command("verify")
    def verify() -> None:
        """Check the hash chain; exits 1 at the first break."""
        with command_session() as session, bar("checking the audit chain") as progress:
            report = service.verify_chain(session, progress)
        if report.ok:
            rprint(f"[green]audit chain intact: {report.checked} events[/green]")
            return
        rprint(f"[red]audit chain broken at event {report.broken_at}: {report.problem}[/red]")
        raise typer.Exit(1)
