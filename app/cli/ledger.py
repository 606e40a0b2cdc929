from __future__ import annotations

import typer


def register(cli: typer.Typer) -> None:
    """This domain's commands (none yet)."""
