"""Name search's read of two searched words at once, through the applicants' name pairs
(migration 0021): every two different words of a name under their first two letters, in
search's order. Two searched words that could not both be met by one word of a name (neither
starts the other) have all their names in the rows of at most four pairs of heads (the words'
and their skeletons'), so the page is one ordered range read, each row checked for every
searched word with search's LIKEs: no walk through names that hold only one of them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import combinations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.applicants.models import ApplicantNamePair as Pair
from app.applicants.search_clauses import Key, SortKey, named

PAIR_HEAD = 2

Heads = tuple[str, str]


def heads_of(word: str, other: str) -> Heads:
    """The row's heads: both words' first two letters, the lower first (code point order, which
    is the columns' bytewise order)."""
    low, high = sorted((word[:PAIR_HEAD], other[:PAIR_HEAD]))
    return low, high


def pairs_of(words: Iterable[str]) -> set[Heads]:
    """The pairs of heads a name's words (its key's and skeleton's) are indexed under."""
    long_enough = sorted({word for word in words if len(word) >= PAIR_HEAD})
    return {heads_of(one, two) for one, two in combinations(long_enough, 2)}


def chosen(wanted: list[Key]) -> tuple[Key, Key] | None:
    """Two searched words the pairs can find together, longest first: each (and its skeleton)
    of two letters or more, and neither's forms starting the other's, else one word of a name
    could be both and that name have no pair for them. None if no two are such."""
    eligible = [key for key in wanted if min(len(key[0]), len(key[1])) >= PAIR_HEAD]
    eligible.sort(key=lambda key: -len(key[0]))
    for one, two in combinations(eligible, 2):
        if not _could_be_one_word(one, two):
            return one, two
    return None


def _could_be_one_word(one: Key, two: Key) -> bool:
    return any(a.startswith(b) or b.startswith(a) for a in set(one) for b in set(two))


def read(
    session: Session,
    wanted: list[Key],
    pair: tuple[Key, Key],
    after: SortKey | None,
    limit: int,
) -> list[SortKey]:
    """Up to limit + 1 sort keys of the names holding every searched word, after `after`."""
    one, two = pair
    heads = sorted({heads_of(a, b) for a in set(one) for b in set(two)})
    order = [Pair.name_key, Pair.date_of_birth, Pair.applicant_id]
    ranges: list[sa.Select[str, date, str]] = []
    for low, high in heads:
        query = sa.select(Pair.name_key, Pair.date_of_birth, Pair.applicant_id).where(
            Pair.head_low == low,
            Pair.head_high == high,
            *(named(Pair.name_key, Pair.name_skeleton, key) for key in wanted),
        )
        if after is not None:
            query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
        ranges.append(query.order_by(*order).limit(limit + 1))
    statement = ranges[0]
    if len(ranges) > 1:
        # A look-alike's skeleton has other heads: each range in order, merged (Merge Append),
        # a name in two of them once.
        merged = sa.union_all(*(r.subquery().select() for r in ranges)).subquery()
        statement = (
            sa.select(merged.c.name_key, merged.c.date_of_birth, merged.c.applicant_id)
            .distinct()
            .order_by(merged.c.name_key, merged.c.date_of_birth, merged.c.applicant_id)
            .limit(limit + 1)
        )
    return [(row[0], row[1], row[2]) for row in session.execute(statement)]
