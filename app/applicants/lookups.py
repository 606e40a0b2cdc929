"""Look-ups the counter needs before and around a registration: look-alikes and the queue."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.applicants import names, repository
from app.applicants.models import Applicant

# The supervisor's queue shows the oldest this many: a screenful to work through, first come first
# decided; the next ones appear as these are decided. (At 200 rows the page, which reads every
# row's documents and audits that read, took 180 ms at p95.)
QUEUE_LIMIT = 50


def possible_duplicates(
    session: Session, given_name: str, family_name: str, date_of_birth: date
) -> list[Applicant]:
    """Who is registered already with this date of birth and a similar name (the same test
    registration warns with), so the clerk sees them before saving."""
    key = names.name_key(given_name, family_name)
    return [
        other
        for other in repository.born_on(session, date_of_birth)
        if names.look_alike(other.name_key, key)
    ]


def pending_applications(session: Session, *, limit: int = QUEUE_LIMIT) -> list[Applicant]:
    """Applications waiting for a decision, oldest first."""
    return repository.pending(session, limit=limit)


def pending_count(session: Session) -> int:
    """How many applications wait for a decision in all."""
    return repository.count_pending(session)
