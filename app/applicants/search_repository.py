"""All SQL of name search: the applicants' name words (migration 0020) and the reads of them.

A search matches each word at the start of some word of the name (of its key, or its skeleton
for the word's skeleton). The words table finds one searched word's applicants by a btree range
and hands them over in search's order, (name_key, date_of_birth, id), since each row carries that
key; the other words are checked on the row's own name_key and name_skeleton with the LIKEs
search has always used. Which word leads, and how it is read, depends on how common it is.
Two words that can be read together come from the name pairs instead (migration 0021,
search_pairs.py); the rest of search's SQL is in search_walk.py.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.applicants import repository, search_pairs
from app.applicants.models import Applicant
from app.applicants.models import ApplicantNamePair as Pair
from app.applicants.models import ApplicantNameWord as Word
from app.applicants.search_clauses import HEAD, Key, SortKey, in_range, named
from app.applicants.search_walk import Stream, walk

# A searched word (or its skeleton) met by fewer rows than this: its rows are read whole, the
# other words checked and the matches sorted (a few ms at most).
FEW_ROWS = 2000
# Words no head holds all of (one or two letters): the fewest rows read whole if under this
# many, else every name walked in order.
MANY_ROWS = 30_000


def index_name(session: Session, applicant: Applicant) -> None:
    """The applicant's words as their name key, skeleton and date of birth now are: after a
    registration, and after any correction of those."""
    session.flush()
    session.execute(sa.delete(Word).where(Word.applicant_id == applicant.id))
    session.execute(sa.delete(Pair).where(Pair.applicant_id == applicant.id))
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
    pairs = [
        {
            "applicant_id": applicant.id,
            "head_low": low,
            "head_high": high,
            "name_key": applicant.name_key,
            "name_skeleton": applicant.name_skeleton,
            "date_of_birth": applicant.date_of_birth,
        }
        for low, high in sorted(search_pairs.pairs_of(in_key | in_skeleton))
    ]
    if pairs:
        session.execute(sa.insert(Pair), pairs)


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
    found = repository.by_ids(session, [applicant_id for _, _, applicant_id in page])
    return [found[applicant_id] for _, _, applicant_id in page]


def _in_name_order(
    session: Session, wanted: list[Key], born: date | None, after: SortKey | None, limit: int
) -> list[SortKey]:
    order = [Applicant.name_key, Applicant.date_of_birth, Applicant.id]
    query = sa.select(Applicant.name_key, Applicant.date_of_birth, Applicant.id).where(
        *(named(Applicant.name_key, Applicant.name_skeleton, key) for key in wanted)
    )
    if born is not None:
        query = query.where(Applicant.date_of_birth == born)
    if after is not None:
        query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
    return _keys(session, query.order_by(*order).limit(limit + 1))


def _keys(session: Session, query: sa.Select[str, date, str]) -> list[SortKey]:
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def _stored(key: Key) -> sa.ColumnElement[bool]:
    """The words rows of the words the key matches, from the key's side or the skeleton's."""
    word, shape = key
    if word == shape:
        # Every row is a word of the key, of the skeleton, or both: either may match.
        return in_range(Word.word, word)
    return sa.or_(
        sa.and_(in_range(Word.word, word), Word.in_key),
        sa.and_(in_range(Word.word, shape), Word.in_skeleton),
    )


def _in_heads(key: Key) -> bool:
    """The key's rows are all of its word's head (and its skeleton's): they come from the index
    in search's order."""
    word, shape = key
    return len(word) >= HEAD and len(shape) >= HEAD


def _by_words(
    session: Session, wanted: list[Key], after: SortKey | None, limit: int
) -> list[SortKey]:
    pair = search_pairs.chosen(wanted)
    if pair is not None:
        # Two words at once: one range of the pairs, in order (the usual search).
        return search_pairs.read(session, wanted, pair, after, limit)
    counts = _counts(session, wanted, FEW_ROWS)
    if min(counts) < FEW_ROWS:
        lead = wanted[counts.index(min(counts))]
        return _keys(session, _few(lead, _others(wanted, lead), after, limit))
    streams = [Stream(key, _others(wanted, key)) for key in wanted if _in_heads(key)]
    if streams:
        return walk(session, streams, after, limit)
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
        _stored(lead), *(named(Word.name_key, Word.name_skeleton, key) for key in others)
    )
    if after is not None:
        query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
    # DISTINCT: an applicant with two words the lead matches ("maria mariana") comes twice.
    return query.distinct().order_by(*order).limit(limit + 1)
