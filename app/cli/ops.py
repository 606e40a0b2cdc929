"""Operator commands: the generated `.env.example`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from app.ops.envfile import render


def register(cli: typer.Typer) -> None:
    @cli.command("env-example")
    def env_example(
        check: Path | None = typer.Option(
            None, help="Compare with this file instead of printing; exit 1 when it is out of date."
        ),
    ) -> None:
        """Print every setting as a .env example, with its default and what it is for."""
        text = render()
        if check is None:
            sys.stdout.write(text)
            return
        if not check.exists() or check.read_text() != text:
            print(f"{check} is out of date: resident-id env-example > {check}", file=sys.stderr)
            raise typer.Exit(1)
