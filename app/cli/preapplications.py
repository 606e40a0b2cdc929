"""`resident-id preapplications purge`: what residents typed at home, deleted when nobody came."""

from __future__ import annotations

import typer

from app.cli.session import command_session
from app.config import settings
from app.preapplications import service


def register(cli: typer.Typer) -> None:
    group = typer.Typer(help="Pre-applications residents filled in at home.", no_args_is_help=True)
    cli.add_typer(group, name="preapplications")

    @group.command("purge")
    def purge(
        days: int | None = typer.Option(
            None,
            min=0,
            help="Delete those older than this many days "
            "(default: RESIDENT_ID_PREAPPLICATION_DAYS, 30 unless set).",
        ),
    ) -> None:
        """Delete pre-applications past the retention period (run it daily, e.g. from cron)."""
        with command_session() as session:
            report = service.purge(session, days=days)
        kept = settings.preapplication_days if days is None else days
        print(
            f"deleted {report.preapplications} pre-application(s) older than {kept} days "
            f"and {report.limits} idle submission count(s)"
        )
