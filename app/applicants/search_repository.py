"""All SQL of name search: the applicants' name words (migration 0020) and the reads of them.

A search matches each word at the start of some word of the name (of its key, or its skeleton
for the word's skeleton). The words table finds one searched word's applicants by a btree range
and hands them over in search's order, (name_key, date_of_birth, id), since each row carries that
key; the other words are checked on the row's own name_key and name_skeleton with the LIKEs
search has always used. Which word leads, and how it is read, depends on how common it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.applicants.models import Applicant
from app.applicants.models import ApplicantNameWord as Word

# A searched word (or its skeleton) met by fewer rows than this: its rows are read whole, the
# other words checked and the matches sorted (a few ms at most).
FEW_ROWS = 2000
# A commoner word is read in search's order (of three letters or more, from its head's rows),
# WALK rows at a time, growing up to MAX_WALK while matches are thin, and a stretch without one
# leapt in up to MAX_LEAPS reads of the other words.
WALK = 200
MAX_WALK = 6400
MAX_LEAPS = 6
# Words no head holds all of (one or two letters): the fewest rows read whole if under this
# many, else every name walked in order.
MANY_ROWS = 30_000
# Words are indexed by their first HEAD letters, then in search's order.
HEAD = 3

Key = tuple[str, str]  # a searched word and its skeleton
SortKey = tuple[str, date, str]  # (name_key, date_of_birth, id): search's order


def index_name(session: Session, applicant: Applicant) -> None:
    """The applicant's words as their name key, skeleton and date of birth now are: after a
    registration, and after any correction of those."""
    session.flush()
    session.execute(sa.delete(Word).where(Word.applicant_id == applicant.id))
    in_key, in_skeleton = set(applicant.name_key.split()), set(applicant.name_skeleton.split())
    rows = [
        {
            "applicant_id": applicant.id,
            "word": word,
            "in_key": word in in_key,
            "in_skeleton": word in in_skeleton,
            "head": word[:HEAD],
            "name_key": applicant.name_key,
            "name_skeleton": applicant.name_skeleton,
            "date_of_birth": applicant.date_of_birth,
        }
        for word in sorted(in_key | in_skeleton)
    ]
    if rows:
        session.execute(sa.insert(Word), rows)


def search(
    session: Session,
    *,
    words: list[str],
    skeletons: list[str],
    date_of_birth: date | None,
    after: SortKey | None,
    limit: int,
) -> list[Applicant]:
    """Applicants whose name key has a word starting with each searched word, in any order, or
    whose skeleton has one starting with the word's skeleton; born on the day given (if one is).
    At most limit + 1, for the service to know whether another page follows (app.kit.paging)."""
    if len(skeletons) != len(words):
        # A word that was all invisible characters: match by keys alone.
        skeletons = words
    wanted = list(zip(words, skeletons, strict=True))
    if date_of_birth is not None:
        # About fifty holders share a birthday: its index finds them, the words are checked.
        page = _in_name_order(session, wanted, date_of_birth, after, limit)
    else:
        page = _by_words(session, wanted, after, limit)
    # Only the page's rows are read whole, in the order the database gave (its collation's).
    query = sa.select(Applicant).where(Applicant.id.in_([i for _, _, i in page]))
    found = {applicant.id: applicant for applicant in session.scalars(query)}
    return [found[applicant_id] for _, _, applicant_id in page]


def _like_prefix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _has_word_starting(column: sa.ColumnElement[str], word: str) -> sa.ColumnElement[bool]:
    return sa.or_(
        column.like(_like_prefix(word), escape="\\"),
        column.like("% " + _like_prefix(word), escape="\\"),
    )


def _named(key_column: Any, skeleton_column: Any, key: Key) -> sa.ColumnElement[bool]:
    """The name (its key and skeleton columns) has a word the key matches: search's rule."""
    word, shape = key
    return sa.or_(_has_word_starting(key_column, word), _has_word_starting(skeleton_column, shape))


def _in_name_order(
    session: Session, wanted: list[Key], born: date | None, after: SortKey | None, limit: int
) -> list[SortKey]:
    order = [Applicant.name_key, Applicant.date_of_birth, Applicant.id]
    query = sa.select(Applicant.name_key, Applicant.date_of_birth, Applicant.id).where(
        *(_named(Applicant.name_key, Applicant.name_skeleton, key) for key in wanted)
    )
    if born is not None:
        query = query.where(Applicant.date_of_birth == born)
    if after is not None:
        query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
    return _keys(session, query.order_by(*order).limit(limit + 1))


def _keys(session: Session, query: sa.Select[str, date, str]) -> list[SortKey]:
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def _after(prefix: str) -> str | None:
    """The least string after every string that starts with `prefix` (code point order)."""
    for i in reversed(range(len(prefix))):
        point = ord(prefix[i])
        if point < 0x10FFFF:
            # No surrogate: they cannot be stored as UTF-8.
            return prefix[:i] + chr(0xE000 if point + 1 == 0xD800 else point + 1)
    return None


def _range(column: Any, prefix: str) -> sa.ColumnElement[bool]:
    end = _after(prefix)
    return column >= prefix if end is None else sa.and_(column >= prefix, column < end)


def _stored(key: Key) -> sa.ColumnElement[bool]:
    """The words rows of the words the key matches, from the key's side or the skeleton's."""
    word, shape = key
    if word == shape:
        # Every row is a word of the key, of the skeleton, or both: either may match.
        return _range(Word.word, word)
    return sa.or_(
        sa.and_(_range(Word.word, word), Word.in_key),
        sa.and_(_range(Word.word, shape), Word.in_skeleton),
    )


def _in_heads(key: Key) -> bool:
    """The key's rows are all of its word's head (and its skeleton's): they come from the index
    in search's order."""
    word, shape = key
    return len(word) >= HEAD and len(shape) >= HEAD


def _by_words(
    session: Session, wanted: list[Key], after: SortKey | None, limit: int
) -> list[SortKey]:
    counts = _counts(session, wanted, FEW_ROWS)
    if min(counts) < FEW_ROWS:
        lead = wanted[counts.index(min(counts))]
        return _keys(session, _few(lead, _others(wanted, lead), after, limit))
    streams = [_Stream(key, _others(wanted, key)) for key in wanted if _in_heads(key)]
    if streams:
        return _walk(session, streams, after, limit)
    counts = _counts(session, wanted, MANY_ROWS)
    if min(counts) < MANY_ROWS:
        # Words of one or two letters: the fewest rows, read whole.
        lead = wanted[counts.index(min(counts))]
        return _keys(session, _few(lead, _others(wanted, lead), after, limit))
    # Every word short and common: matches are dense, so the names are walked in order.
    return _in_name_order(session, wanted, None, after, limit)


def _counts(session: Session, wanted: list[Key], most: int) -> list[int]:
    """How many rows each searched word has, counting up to `most` (an index range each)."""
    capped = [
        sa.select(sa.func.count())
        .select_from(sa.select(sa.literal(1)).where(_stored(key)).limit(most).subquery())
        .scalar_subquery()
        for key in wanted
    ]
    return list(session.execute(sa.select(*capped)).one())


def _others(wanted: list[Key], lead: Key) -> list[Key]:
    return [key for key in wanted if key is not lead]


def _few(
    lead: Key, others: list[Key], after: SortKey | None, limit: int
) -> sa.Select[str, date, str]:
    order = [Word.name_key, Word.date_of_birth, Word.applicant_id]
    query = sa.select(Word.name_key, Word.date_of_birth, Word.applicant_id).where(
        _stored(lead), *(_named(Word.name_key, Word.name_skeleton, key) for key in others)
    )
    if after is not None:
        query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
    # DISTINCT: an applicant with two words the lead matches ("maria mariana") comes twice.
    return query.distinct().order_by(*order).limit(limit + 1)


def _walk(
    session: Session, streams: list[_Stream], after: SortKey | None, limit: int
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


def _leap(session: Session, streams: list[_Stream], after: SortKey) -> tuple[SortKey | None, bool]:
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


class _Stream:
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
                _range(Word.word, prefix),
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
            sa.true(), *(_named(rows.c.key, rows.c.skeleton, other) for other in others)
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
