"""`resident-id library export-patrons`: the cards issued since a date, as a CSV a library
system imports (Koha's patron-import columns), with nothing but what a library needs."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.applicants.models import Decision
from app.cli import cli
from app.kit.types import utcnow
from app.library.patrons import COLUMNS
from tests.support.builders import make_applicant, make_card, make_user


def _export(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli, ["library", "export-patrons", *args])
    return done.exit_code, done.output


def test_cards_issued_since_the_date_with_only_what_a_library_needs(
    session: Session, tmp_path: Path
) -> None:
    clerk = make_user("clerk", branch="ives-library")
    hidden = make_applicant(
        session,
        given_name="Ana",
        family_name="Pérez",
        street="12 Hidden Way",
        postal_code="06511",
        address_on_card=False,
        email="ana@example.org",
        phone="203-555-0101",
    )
    card = make_card(session, hidden)
    session.add(
        Decision(
            applicant_id=hidden.id,
            outcome="approved",
            fee_cents=0,
            card_id=card.id,
            decided_by=f"user:{clerk.id}",
        )
    )
    plain = make_applicant(session, given_name="Bo", family_name="Li", street="165 Church St")
    no_branch = make_card(session, plain)
    make_card(session, issued_at=utcnow() - timedelta(days=10))
    make_card(session, status="revoked")
    session.commit()
    out = tmp_path / "patrons.csv"

    code, output = _export(
        "--since", (utcnow() - timedelta(days=2)).date().isoformat(), "--out", str(out)
    )

    assert code == 0, output
    assert "exported 2 cards" in output
    text = out.read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == list(COLUMNS)
    assert sorted(rows[1:]) == sorted(
        [
            [card.number, "Pérez", "Ana", card.expires_on.isoformat(), "ives-library"],
            [no_branch.number, "Li", "Bo", no_branch.expires_on.isoformat(), ""],
        ]
    )
    # Card numbers are random digits and may hold a postal code's or a phone's digits by chance.
    rest = text.replace(card.number, "").replace(no_branch.number, "")
    for private in ("Hidden Way", "06511", "165 Church", "1990-04-12", "ana@", "203-555-0101"):
        assert private not in rest


def test_a_bad_date_is_refused(tmp_path: Path) -> None:
    code, output = _export("--since", "last week")
    assert code == 2
    assert "not a date" in output
