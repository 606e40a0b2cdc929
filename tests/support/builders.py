"""Small typed builders for tests that need records without walking the whole HTTP flow."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.applicants import search_repository
from app.applicants.models import Applicant
from app.auth.models import User
from app.auth.service import hash_password
from app.branches.models import Branch
from app.cards import service as cards
from app.cards.models import Card, CardStatus
from app.cards.printing.models import PrintJob, PrintJobStatus
from app.db import is_sqlite, joined, normalize_url, session_factory
from app.kit.types import utcnow
from app.merchants.models import Merchant, MerchantStaff
from app.merchants.service import hash_api_key

# One argon2 hash for every test account: hashing is deliberately slow.
TEST_PASSWORD = "correct horse battery staple"
_TEST_HASH = hash_password(TEST_PASSWORD)


def make_user(role: str, *, username: str | None = None, branch: str = "city-hall") -> User:
    """A staff account (committed) whose password is TEST_PASSWORD; its branch is added when
    missing."""
    user = User(
        username=username or f"{role}-{secrets.token_hex(3)}",
        password_hash=_TEST_HASH,
        role=role,
        branch=branch,
    )
    make_branch(branch)
    with session_factory()() as s, s.begin():
        s.add(user)
    return user


def make_branch(code: str = "city-hall") -> None:
    """The branch (committed), unless it exists: staff accounts and drawers name only these."""
    with session_factory()(expire_on_commit=True) as s, s.begin():
        if s.get(Branch, code) is None:
            s.add(Branch(code=code, name=code.replace("-", " ").title()))


def make_applicant(session: Session, **overrides: Any) -> Applicant:
    fields: dict[str, Any] = {
        "given_name": "Ánh",
        "family_name": "Nguyễn",
        "name_key": "anh nguyen",
        "name_skeleton": "anh nguyen",
        "date_of_birth": date(1990, 4, 12),
        "street": "165 Church St",
        "city": "New Haven",
        "postal_code": "06510",
        "address_on_card": True,
        "gender": None,
        "status": "approved",
    }
    fields.update(overrides)
    applicant = Applicant(**fields)
    # Through the repository, so name search finds the applicant as it finds a registered one.
    session.add(applicant)
    search_repository.index_name(session, applicant)
    return applicant


def make_card(
    session: Session,
    applicant: Applicant | None = None,
    *,
    status: str = "active",
    **overrides: Any,
) -> Card:
    """A card for the applicant (a new one when none is given), committed."""
    applicant = applicant or make_applicant(session)
    card = cards.issue_card(session, applicant, actor="test", fee_cents=0, fee_waiver=None)
    card.status = CardStatus(status)
    if status == "active":
        card.activated_at = utcnow()
    for field, value in overrides.items():
        setattr(card, field, value)
    session.commit()
    return card


def make_printed_card(
    session: Session, applicant: Applicant | None = None, **overrides: Any
) -> Card:
    """An active card as the printer leaves it: its print job printed, nothing left queued."""
    card = make_card(session, applicant, status="active", **overrides)
    queued = sa.select(PrintJob).where(
        PrintJob.card_id == card.id, PrintJob.status == PrintJobStatus.QUEUED
    )
    for job in session.scalars(queued):
        job.status, job.attempts = PrintJobStatus.PRINTED, 1
        job.printed_at, job.printed_by = utcnow(), "test"
    session.commit()
    return card


def reading_session(database_url: str) -> Iterator[Session]:
    """A test's own look at the database that never holds the lock the app needs.

    On SQLite the app's engine opens every transaction with BEGIN IMMEDIATE (the write lock), so
    a test that merely read a row through it would block every request until it ended. Here
    SQLite goes through a plain engine: no transaction until the test writes, and in WAL mode a
    reader never blocks the server. Use it as a test module's `session` fixture.
    """
    if joined() or not is_sqlite(database_url):
        # In a test's rolled-back transaction there is one connection and so no lock to hold.
        with session_factory()(expire_on_commit=True) as s:
            yield s
        return
    engine = sa.create_engine(normalize_url(database_url), connect_args={"timeout": 30})
    with Session(engine) as s:
        yield s
    engine.dispose()


def make_merchant(
    *, name: str = "Ives Memorial Library", category: str = "library"
) -> tuple[Merchant, dict[str, str]]:
    """An active merchant (committed) and the auth headers of its API key."""
    api_key = "rid_mk_" + secrets.token_urlsafe(32)
    merchant = Merchant(
        name=name,
        category=category,
        api_key_hash=hash_api_key(api_key),
        api_key_prefix=api_key[:12],
    )
    with session_factory()() as s, s.begin():
        s.add(merchant)
    return merchant, {"Authorization": f"Bearer {api_key}"}


def make_desk_staff(merchant: Merchant, *, username: str | None = None) -> MerchantStaff:
    """A desk account (committed) of the merchant, whose password is TEST_PASSWORD."""
    staff = MerchantStaff(
        merchant_id=merchant.id,
        username=username or f"desk-{secrets.token_hex(3)}",
        password_hash=_TEST_HASH,
    )
    with session_factory()() as s, s.begin():
        s.add(staff)
    return staff


def fresh_look(session: Session) -> None:
    """End the test's own read, so that its next one sees what requests have done since.

    A commit, not a rollback: in a test's rolled-back transaction the requests' savepoints nest
    inside the one the test's read opened, so rolling that back would undo their work too. The
    test's look writes nothing of its own, so committing it changes nothing else.
    """
    session.commit()
