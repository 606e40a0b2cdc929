"""The patron export: cards issued since a date, with only what a library system needs to make
its own patrons. Columns are Koha's patron-import names (Evergreen's importer maps columns by
hand): the card's barcode, family and given names, expiry, and the home branch (the branch of
the staff member who approved the holder). Never an address, a birth date or anything else."""

from __future__ import annotations

import csv
from datetime import date
from typing import TextIO

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.kit.dates import day_bounds
from app.library import repository
from app.library.barcode import library_barcode

COLUMNS = ("cardnumber", "surname", "firstname", "dateexpiry", "branchcode")
# A holder whose approving staff member is unknown (approved by a command, or since removed).
NO_BRANCH = ""


def export(session: Session, since: date, out: TextIO, *, actor: str) -> int:
    """Write the CSV; answers how many cards it holds."""
    start, _ = day_bounds(since)
    rows = repository.cards_issued_since(session, start)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for card, applicant, branch in rows:
        writer.writerow(
            (
                library_barcode(card),
                applicant.family_name,
                applicant.given_name,
                card.expires_on.isoformat(),
                branch or NO_BRANCH,
            )
        )
    audit.record(
        session,
        actor=actor,
        action="library.export_patrons",
        subject="library:patrons",
        detail={"since": since.isoformat(), "cards": len(rows), "columns": list(COLUMNS)},
    )
    return len(rows)
