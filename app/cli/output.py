"""How every command reports: errors on stderr in one line with an exit code per kind, listings as
a table or as JSON (`--json`), and progress bars on stderr that vanish when the work is done."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.kit.errors import ResidentIdError

# One exit code per kind of failure, the same in every command (`verify` keeps its own 0-5, which
# say what the card is). 1 stays "the check found a problem" (ledger check, audit verify).
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4
EXIT_REFUSED = 6
# The command needs the database and there is none (no file, no schema, or it does not answer).
EXIT_NO_DATABASE = 7
# A server the command talks to could not be reached or did not answer as it should.
EXIT_UNREACHABLE = 8
EXIT_BY_STATUS = {400: EXIT_USAGE, 404: EXIT_NOT_FOUND, 409: EXIT_CONFLICT, 422: EXIT_USAGE}

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")
_stderr = Console(stderr=True)


def fail(message: str, code: int) -> NoReturn:
    """One line on stderr, whatever the message held (newlines would split a log line)."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    raise typer.Exit(code)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Domain and input errors become one line on stderr and their exit code."""
    try:
        yield
    except ResidentIdError as exc:
        fail(f"{exc.name}: {exc.detail}", EXIT_BY_STATUS.get(exc.status_code, EXIT_REFUSED))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        fail(problems, EXIT_USAGE)


def listing(rows: Sequence[BaseModel], columns: Sequence[str], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps([row.model_dump(mode="json") for row in rows], indent=2))
        return
    table = Table(*columns)
    for row in rows:
        data: dict[str, Any] = row.model_dump(mode="json")
        table.add_row(*("" if data[c] is None else str(data[c]) for c in columns))
    Console().print(table)


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Progress]:
    """A bar on stderr (so stdout stays clean for pipes), gone once the work is done."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr,
        transient=True,
    )
    with bar:
        bar.add_task(description, total=total)
        yield bar


class Bar:
    """app.kit.progress.Progress drawn as a rich bar."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress

    def start(self, total: int | None) -> None:
        self._progress.update(self._progress.task_ids[0], total=total)

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._progress.task_ids[0], steps)


@contextmanager
def bar(description: str) -> Iterator[Bar]:
    with progress_bar(description, None) as progress:
        yield Bar(progress)
