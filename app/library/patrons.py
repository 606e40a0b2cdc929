"""The patron export: cards issued since a date, with only what a library system needs to make
its own patrons. Columns are Koha's patron-import names (Evergreen's importer maps columns by
hand): the card's barcode, family and given names, expiry, and the home branch (the branch of
the staff member who approved the holder). Never an address, a birth date or anything else."""

from __future__ import annotations

import csv
from datetime import date
from typing import TextIO

from sqlalchemy.orm import Session

from app.applicants import repository as applicants
from app.applicants.models import Applicant
from app.audit import service as audit
from app.auth import repository as users
from app.cards import repository as cards
from app.cards.models import Card
from app.kit.dates import day_bounds
from app.library.barcode import library_barcode

COLUMNS = ("cardnumber", "surname", "firstname", "dateexpiry", "branchcode")
# A holder whose approving staff member is unknown (approved by a command, or since removed).
NO_BRANCH = ""
# Cards whose holders, approvals and staff are read in one go: a few queries per batch, never
# one per card, and never more parameters than a database takes in one statement.
BATCH = 500


def _holders_and_branches(
    session: Session, batch: list[Card]
) -> list[tuple[Card, Applicant, str | None]]:
    """Each card with its holder and the branch of the staff member whose approval of the holder
    is the latest (None when no staff account made it)."""
    holder_ids = list({card.applicant_id for card in batch})
    holders = applicants.by_ids(session, holder_ids)
    approvers = applicants.latest_approvers(session, holder_ids)
    staff_ids = [a.removeprefix("user:") for a in approvers.values() if a.startswith("user:")]
    branches = {user.id: user.branch for user in users.by_ids(session, staff_ids)}
    rows = []
    for card in batch:
        approver = approvers.get(card.applicant_id, "")
        branch = (
            branches.get(approver.removeprefix("user:")) if approver.startswith("user:") else None
        )
        rows.append((card, holders[card.applicant_id], branch))
    return rows


def _rows(session: Session, since: date) -> list[tuple[Card, Applicant, str | None]]:
    """Cards issued from the day `since` on and not revoked, oldest first, each with its holder and
    the approving staff member's branch."""
    start, _ = day_bounds(since)
    issued = cards.issued_since(session, start)
    rows = []
    for i in range(0, len(issued), BATCH):
        rows.extend(_holders_and_branches(session, issued[i : i + BATCH]))
    return rows


def export(session: Session, since: date, out: TextIO, *, actor: str) -> int:
    """Write the CSV; answers how many cards it holds."""
    rows = _rows(session, since)
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
