from __future__ import annotations

import secrets
import sys

import typer
import uvicorn
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


def register(cli: typer.Typer) -> None:
    @cli.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        demo: bool = typer.Option(
            False,
            help="Create demo staff accounts (admin, supervisor, clerk, printer) and print their passwords once.",
        ),
        workers: int = typer.Option(1, help="Worker processes (PostgreSQL deployments)."),
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
        rprint(f"counter console at http://{host}:{port}/console/sign-in")
        rprint(f"API docs at http://{host}:{port}/docs")
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            # An access log would keep search URLs (names, dates of birth) and who scanned what.
            access_log=False,
            # Idle keep-alive connections close after 5 s, and a request's line and headers may
            # not exceed 16 KiB; bodies are bounded per route, with a deadline (app.kit.bodylimit).
            timeout_keep_alive=5,
            h11_max_incomplete_event_size=16 * 1024,
        )
