from __future__ import annotations

import os
import secrets
import sys

import typer
from rich import print as rprint

from app import migrate
from app.auth import repository, service
from app.auth.schemas import UserCreate
from app.auth.tokens import InsecureSecret, token_secret
from app.branches import repository as branches_repository
from app.branches import service as branches
from app.branches.schemas import BranchCreate
from app.cli.session import command_session
from app.config import settings
from app.db import is_sqlite
from app.keys import service as keys

# The branch the demo administrator (and the default of every new account) belongs to.
DEMO_BRANCH = BranchCreate(code="city-hall", name="City Hall", address="165 Church St")


# One account a role, so whoever runs the demo can try every screen: the administrator's API,
# the counter console as clerk and supervisor (four eyes), and the print queue.
DEMO_STAFF = (
    ("admin", "admin"),
    ("supervisor", "supervisor"),
    ("clerk", "clerk"),
    ("printer", "printer"),
)


def _ensure_demo_staff() -> None:
    """Create the demo accounts once; each password is printed now and never again."""
    made: list[tuple[str, str]] = []
    with command_session() as session:
        if branches_repository.get(session, DEMO_BRANCH.code) is None:
            branches.add(session, DEMO_BRANCH, actor="cli")
        for username, role in DEMO_STAFF:
            if repository.get_by_username(session, username) is not None:
                continue
            password = secrets.token_urlsafe(12)
            body = UserCreate(username=username, password=password, role=role)
            service.create_user(session, body, actor="cli")
            made.append((username, password))
    if not made:
        rprint("the demo accounts exist (their passwords were printed when they were made)")
    for username, password in made:
        rprint(
            f"demo {username}: username [bold]{username}[/bold], password [bold]{password}[/bold] (shown once)"
        )


def default_workers(database_url: str) -> int:
    """One worker per core this process may run on; one on SQLite, whose single write lock
    every writing request takes for its whole transaction, so more processes add no throughput,
    only processes polling for that lock (busy_timeout) instead of queueing for it."""
    if is_sqlite(database_url):
        return 1
    # The cores this process may run on (a cpuset), where the system says; else all of them.
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def uvicorn_command(host: str, port: int, workers: int) -> list[str]:
    """`python -m uvicorn ...` for the app.

    Not uvicorn.run() from this process: its workers are spawned, and a spawned worker first
    re-imports the parent's __main__ (for `resident-id`, the whole CLI) before it can answer the
    supervisor's health ping; when N workers start at once on a busy machine that takes longer
    than the ping's 5 s, and the supervisor kills each worker as hung and spawns another, for
    ever. Under `python -m uvicorn` the __main__ a worker re-imports is uvicorn's own, and the app
    is imported after the worker answers pings.
    """
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        f"--host={host}",
        f"--port={port}",
        f"--workers={workers}",
        "--log-level=info",
        # An access log would keep search URLs (names, dates of birth) and who scanned what.
        "--no-access-log",
        # Idle keep-alive connections close after 5 s, and a request's line and headers may not
        # exceed 16 KiB; bodies are bounded per route, with a deadline (app.kit.bodylimit). The
        # header bound is h11's (httptools has none), so h11 parses HTTP; uvloop runs the loop.
        "--timeout-keep-alive=5",
        "--http=h11",
        f"--h11-max-incomplete-event-size={16 * 1024}",
    ]


def register(cli: typer.Typer) -> None:
    @cli.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        demo: bool = typer.Option(
            False,
            help="Create demo staff accounts (admin, supervisor, clerk, printer) and print their passwords once.",
        ),
        workers: int | None = typer.Option(
            None,
            min=1,
            help="Worker processes [default: RESIDENT_ID_WORKERS, else one per core on PostgreSQL, one on SQLite].",
        ),
    ) -> None:
        """Serve the API; on the embedded SQLite default, first bring the schema up to date."""
        try:
            token_secret()
            keys.check_signing_key_setting()
        except (InsecureSecret, keys.InsecureSigningKey) as exc:
            rprint(f"[red]refusing to start: {exc}[/red]", file=sys.stderr)
            raise typer.Exit(2) from exc
        if is_sqlite(settings.database_url):
            migrate.upgrade(settings.database_url)
            with command_session() as session:
                created = keys.ensure_signing_key(session)
            if created is not None:
                rprint(f"created the first signing key [bold]{created.kid}[/bold]")
        if demo:
            _ensure_demo_staff()
        count = workers or settings.workers or default_workers(settings.database_url)
        rprint(f"counter console at http://{host}:{port}/console/sign-in")
        rprint(f"API docs at http://{host}:{port}/docs ({count} worker processes)")
        command = uvicorn_command(host, port, count)
        # Whatever is buffered would be lost with this process image.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(command[0], command)
