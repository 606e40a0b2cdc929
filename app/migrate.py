"""Run Alembic migrations from code: the only way a schema is made."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from app.db import create_owner_only, normalize_url

# The source tree in development; the working directory in the container, where the wheel is
# installed apart from the Alembic scripts.
ROOT = next(
    (
        p
        for p in (Path(__file__).resolve().parent.parent, Path.cwd())
        if (p / "alembic.ini").exists()
    ),
    Path.cwd(),
)


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    if url.startswith("sqlite:///"):
        # Owner-only before Alembic's engine creates it: it will hold every applicant's record.
        create_owner_only(Path(url.removeprefix("sqlite:///")))
    command.upgrade(alembic_config(url), revision)
