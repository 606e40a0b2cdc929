from __future__ import annotations

from datetime import UTC, date, datetime

import typer

from app.cli.session import command_session
from app.payments import checks, retention


def register(cli: typer.Typer) -> None:
    ledger = typer.Typer(help="The stored-value ledger.", no_args_is_help=True)
    cli.add_typer(ledger, name="ledger")

    @ledger.command("check")
    def check() -> None:
        """Prove debits equal credits and every cached balance equals its entries; exits 1 if not."""
        with command_session() as session:
            report = checks.check(session)
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
                typer.secho(f"--before {before!r} is not a date (YYYY-MM-DD)", fg="red")
                raise typer.Exit(2) from None
            cutoff = datetime(day.year, day.month, day.day, tzinfo=UTC)
        try:
            with command_session() as session:
                report = retention.rollup(session, before=cutoff, actor="cli")
        except retention.LedgerBroken as error:
            typer.secho(error.detail, fg="red")
            raise typer.Exit(1) from None
        typer.echo(
            f"rolled up {report.transfers} transfers before {report.before.isoformat()} "
            f"into {report.periods} monthly totals; forgot {report.sessions} parking sessions "
            f"and {report.keys} idempotency keys"
        )
