"""Name search's read of a common word: its rows in name order a page at a time, a stretch of
names without a match leapt (search_repository.py decides when this read is the one)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.applicants.models import ApplicantNameWord as Word
from app.applicants.search_clauses import HEAD, Key, SortKey, in_range, named

# A commoner word is read in search's order (of three letters or more, from its head's rows),
# WALK rows at a time, growing up to MAX_WALK while matches are thin, and a stretch without one
# leapt in up to MAX_LEAPS reads of the other words.
WALK = 200
MAX_WALK = 6400
MAX_LEAPS = 6


def walk(
    session: Session, streams: list[Stream], after: SortKey | None, limit: int
) -> list[SortKey]:
    """The page, read in name order from the first word's rows (names are stored, and mostly
    typed, given name first: "maria" meets its garcias at every family name, where "garcia"
    meets "maria" only at the m's). Matches of common words come in runs ("maria garcia" is one
    stretch of names, tens of thousands of rows after the first "maria"): a run is read in
    order, a stretch without a match is leapt (_leap)."""
    lead = streams[0]
    page: list[SortKey] = []
    point, inclusive, size = after, False, WALK
    while len(page) <= limit:
        read = lead.read(session, point, inclusive, size)
        for key, matched in read:
            # The same applicant twice in a row: two of the lead's words ("maria mariana").
            if matched and (not page or key != page[-1]):
                page.append(key)
        if len(read) < size:
            break
        point, inclusive = read[-1][0], False
        if len(streams) == 1 or any(matched for _, matched in read):
            # Matches spread thin: read further at a time.
            size = min(2 * size, MAX_WALK)
            continue
        leapt, landed = _leap(session, streams, point)
        if leapt is None:
            break
        point, inclusive = leapt, True
        if not landed:
            # The words' rows interleave finely ("a garcia", "a martinez", ...), each read of
            # a leap a short step: walk further before the next.
            size = min(2 * size, MAX_WALK)
    return page[: limit + 1]


def _leap(session: Session, streams: list[Stream], after: SortKey) -> tuple[SortKey | None, bool]:
    """A point after `after` in name order such that no applicant between holds every word,
    and whether it is the first that does (else MAX_LEAPS reads did not get that far); None
    when none does. Each word's rows in turn are sought from the furthest point yet (a
    leapfrog join), so a stretch of names where one word is missing is stepped over in one
    read, not walked."""
    point, inclusive, agreed = after, False, 0
    for turn in range(MAX_LEAPS):
        read = streams[turn % len(streams)].read(session, point, inclusive, 1)
        if not read:
            return None, True
        found = read[0][0]
        agreed = agreed + 1 if inclusive and found == point else 1
        point, inclusive = found, True
        if agreed == len(streams):
            return point, True
    return point, False


class Stream:
    """One searched word's rows in name order from a point, each with whether its name has the
    other words too. Built once per search, run with each point as parameters."""

    def __init__(self, key: Key, others: list[Key]) -> None:
        self._after = self._build(key, others, inclusive=False)
        self._from = self._build(key, others, inclusive=True)

    @staticmethod
    def _build(key: Key, others: list[Key], *, inclusive: bool) -> sa.Select[Any]:
        order = [Word.name_key, Word.date_of_birth, Word.applicant_id]
        here = sa.tuple_(*order)
        point = sa.tuple_(
            sa.bindparam("name_key", type_=sa.String()),
            sa.bindparam("date_of_birth", type_=sa.Date()),
            sa.bindparam("applicant_id", type_=sa.String()),
        )
        limit = sa.bindparam("limit", type_=sa.Integer())
        word, shape = key
        # A word and its skeleton of different heads ("Islam", skeleton "lslam") are two reads
        # in order, merged (by PostgreSQL, Merge Append).
        sides = (
            [(word, None)] if word == shape else [(word, Word.in_key), (shape, Word.in_skeleton)]
        )
        reads = [
            sa.select(*order, Word.name_key.label("key"), Word.name_skeleton.label("skeleton"))
            .where(
                Word.head == prefix[:HEAD],
                in_range(Word.word, prefix),
                sa.true() if side is None else side,
                here >= point if inclusive else here > point,
            )
            .order_by(*order)
            .limit(limit)
            .subquery()
            for prefix, side in sides
        ]
        rows = (
            reads[0] if len(reads) == 1 else sa.union_all(*(r.select() for r in reads)).subquery()
        )
        matched = sa.and_(
            sa.true(), *(named(rows.c.key, rows.c.skeleton, other) for other in others)
        )
        columns = [rows.c.name_key, rows.c.date_of_birth, rows.c.applicant_id]
        return sa.select(*columns, matched.label("matched")).order_by(*columns).limit(limit)

    def read(
        self, session: Session, point: SortKey | None, inclusive: bool, limit: int
    ) -> list[tuple[SortKey, bool]]:
        """Up to `limit` rows from the point (after it, or at it if inclusive)."""
        if point is None:
            point, inclusive = _FIRST, True
        name_key, born, applicant_id = point
        at = {"name_key": name_key, "date_of_birth": born, "applicant_id": applicant_id}
        rows = session.execute(self._from if inclusive else self._after, {**at, "limit": limit})
        return [((row[0], row[1], row[2]), bool(row[3])) for row in rows]


# Before every sort key, for a first read: no name_key is less than the empty one.
_FIRST: SortKey = ("", date.min, "")
