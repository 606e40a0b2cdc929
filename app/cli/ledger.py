from __future__ import annotations

from datetime import UTC, date, datetime

import typer

from app.cli.output import EXIT_USAGE, bar, fail
from app.cli.session import command_session
from app.payments.errors import LedgerBroken
from app.payments.ledger import checks, retention


def register(cli: typer.Typer) -> None:
    ledger = typer.Typer(help="The stored-value ledger.", no_args_is_help=True)
    cli.add_typer(ledger, name="ledger")

    @ledger.command("check")
    def check() -> None:
        """Prove debits equal credits and every cached balance equals its entries; exits 1 if not."""
        with command_session() as session, bar("checking the ledger") as progress:
            report = checks.check(session, progress)
        if report.ok:
            typer.secho(
                f"ledger holds: {report.transfers} transfers, {report.entries} entries, "
                f"{report.accounts} accounts; debits = credits = {report.debits_cents} cents",
                fg="green",
            )
            return
        # One problem per line, never wrapped: operators grep and paste these.
        typer.secho(f"ledger broken: {len(report.problems)} problem(s)", fg="red")
        for problem in report.problems:
            typer.secho(f"- {problem}", fg="red")
        raise typer.Exit(1)

    @ledger.command("rollup")
    def rollup(
        before: str = typer.Option(
            "",
            help="Roll up what was booked before this date (YYYY-MM-DD, UTC); "
            "default: the retention period (RESIDENT_ID_TRANSACTION_RETENTION_DAYS) ago.",
        ),
    ) -> None:
        """Replace detail older than the retention period by per-account monthly totals."""
        cutoff = None
        if before:
            try:
                day = date.fromisoformat(before)
            except ValueError:
                fail(f"--before {before!r} is not a date (YYYY-MM-DD)", EXIT_USAGE)
            cutoff = datetime(day.year, day.month, day.day, tzinfo=UTC)
        try:
            with command_session() as session, bar("rolling up months") as progress:
                report = retention.rollup(session, before=cutoff, actor="cli", progress=progress)
        except LedgerBroken as error:
            fail(f"{error.name}: {error.detail}", 1)
        typer.echo(
            f"rolled up {report.transfers} transfers before {report.before.isoformat()} "
            f"into {report.periods} monthly totals; forgot {report.sessions} parking sessions "
            f"and {report.keys} idempotency keys"
        )
