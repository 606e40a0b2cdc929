"""The conditions name search is made of, shared by its two reads (search_repository.py and
search_walk.py): a searched word at the start of some word of a name, and a prefix as a range of
the words table's bytewise-ordered words."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

# Words are indexed by their first HEAD letters, then in search's order.
HEAD = 3

Key = tuple[str, str]  # a searched word and its skeleton
SortKey = tuple[str, date, str]  # (name_key, date_of_birth, id): search's order


def _like_prefix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _has_word_starting(column: sa.ColumnElement[str], word: str) -> sa.ColumnElement[bool]:
    return sa.or_(
        column.like(_like_prefix(word), escape="\\"),
        column.like("% " + _like_prefix(word), escape="\\"),
    )


def named(key_column: Any, skeleton_column: Any, key: Key) -> sa.ColumnElement[bool]:
    """The name (its key and skeleton columns) has a word the key matches: search's rule."""
    word, shape = key
    return sa.or_(_has_word_starting(key_column, word), _has_word_starting(skeleton_column, shape))


def _past(prefix: str) -> str | None:
    """The least string after every string that starts with `prefix` (code point order)."""
    for i in reversed(range(len(prefix))):
        point = ord(prefix[i])
        if point < 0x10FFFF:
            # No surrogate: they cannot be stored as UTF-8.
            return prefix[:i] + chr(0xE000 if point + 1 == 0xD800 else point + 1)
    return None


def in_range(column: Any, prefix: str) -> sa.ColumnElement[bool]:
    end = _past(prefix)
    return column >= prefix if end is None else sa.and_(column >= prefix, column < end)
