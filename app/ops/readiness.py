"""Is this instance ready to take traffic: database reachable, schema at head, a signing key?"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.config import settings
from app.kit.errors import ResidentIdError
from app.migrate import alembic_config
from app.ops import repository


def _expected_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(settings.database_url)).get_heads())


def problems(session: Session) -> list[str]:
    """What stops this instance from serving; empty when it is ready."""
    try:
        repository.ping(session)
    except SQLAlchemyError as exc:
        # The driver's message can name the host; the type is enough to start looking.
        return [f"database unreachable ({type(exc).__name__})"]
    found: list[str] = []
    current, expected = repository.migration_heads(session), _expected_heads()
    if current != expected:
        have = ", ".join(sorted(current)) or "none"
        found.append(
            f"migrations not at head (database at {have}; code at {', '.join(sorted(expected))})"
        )
    else:
        # Imported here: the key service reads settings and key files; readiness only asks it.
        from app.keys.service import current_signing_key

        try:
            current_signing_key(session)
        except ResidentIdError as exc:
            found.append(f"no usable signing key: {exc.detail}")
    return found
