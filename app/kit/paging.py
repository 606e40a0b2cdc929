"""The one shape of every list: `{"items": [...], "next_cursor": ...}`, a page at a time.

A client asks for up to `limit` items and passes the page's `next_cursor` as `cursor` for the
next one; `next_cursor` is null on the last page. The cursor is opaque to clients: it holds the
sort key of the page's last item (keyset paging, so a page costs the same at any depth and a row
added meanwhile is neither skipped nor repeated), encoded as base64url JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import sqlalchemy as sa
from fastapi import Query
from pydantic import BaseModel

from app.kit.errors import BadCursor

T = TypeVar("T")
Row = TypeVar("Row")

MAX_LIMIT = 500
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"

LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")
]
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=400,
        pattern=CURSOR_PATTERN,
        description="The previous page's next_cursor; leave out for the first page.",
    ),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    # Pass as `cursor` for the next page; null when this page is the last.
    next_cursor: str | None = None


def encode(key: Sequence[Any]) -> str:
    text = json.dumps(list(key), separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str | None, arity: int) -> list[Any] | None:
    """The sort key a cursor holds (None for the first page); BadCursor when it is not ours."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise BadCursor("cursor: not a cursor this server gave") from exc
    if not isinstance(key, list) or len(key) != arity or not all(_scalar(k) for k in key):
        raise BadCursor("cursor: not a cursor this server gave")
    return key


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def page_of(
    rows: Sequence[Row], limit: int, key: Callable[[Row], Sequence[Any]]
) -> tuple[list[Row], str | None]:
    """The first `limit` rows (a repository fetches limit + 1) and the cursor after them."""
    if len(rows) <= limit:
        return list(rows), None
    kept = list(rows[:limit])
    return kept, encode(key(kept[-1]))


def keyset(
    query: sa.Select[Any], order: Sequence[Any], after: Sequence[Any] | None, limit: int
) -> sa.Select[Any]:
    """The query in `order`, from just after the key `after`, one row more than a page (for
    page_of to know whether another page follows). For repositories."""
    if after is not None:
        query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
    return query.order_by(*order).limit(limit + 1)
