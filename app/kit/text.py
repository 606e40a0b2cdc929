"""The one text type: what any string the API takes may hold, in a path, a query or a body.

Control characters (NUL, escapes, C1 controls) and lone surrogates are refused everywhere:
PostgreSQL refuses NUL outright (a 500 if it reached the database), SQLite would keep it
silently, and none of them belongs in anything a person typed. Names refuse more: the invisible
formatting characters (bidi overrides, zero-width characters, tag characters, the BOM, line
separators) that make two names look alike on a screen while differing in the database.

`Text` and `Name` are the types; `check_params` applies the same rule to every path and query
parameter of every route (one app-wide dependency), and `InputSchema` applies it to every string
of every body it validates.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator

# Cc: C0 and C1 controls, DEL. Cs: lone surrogates (not text at all).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Cf (format: bidi controls, zero-width space/joiners, tags, BOM, soft hyphen...) plus the
# line and paragraph separators: invisible, or invisibly reordering what follows.
_INVISIBLE = re.compile(
    "["
    + "".join(
        re.escape(chr(code))
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp")
    )
    + "]"
)

CONTROL_MESSAGE = "control characters are not allowed"
INVISIBLE_MESSAGE = "invisible formatting characters (bidi, zero-width, tags, BOM) are not allowed"


def plain(value: str) -> str:
    """The value, or ValueError when it holds a control character."""
    if _CONTROL.search(value):
        raise ValueError(CONTROL_MESSAGE)
    return value


def visible(value: str) -> str:
    """The value, or ValueError when it holds a control or an invisible formatting character."""
    plain(value)
    if _INVISIBLE.search(value):
        raise ValueError(INVISIBLE_MESSAGE)
    return value


Text = Annotated[str, AfterValidator(plain)]
Name = Annotated[str, AfterValidator(visible)]


def check_strings(value: Any) -> Any:
    """Apply `plain` to a value that is a string or a list, tuple or set of strings."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            if isinstance(item, str):
                plain(item)
    return value


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def check_params(request: Request) -> None:
    """Every path and query parameter and form field of every route: a 422 naming it when it
    holds a control character (before the route's own dependencies take it to the database)."""
    problems: list[dict[str, Any]] = []
    sources: list[tuple[str, Any]] = [
        ("path", request.path_params.items()),
        ("query", request.query_params.multi_items()),
    ]
    if request.headers.get("content-type", "").startswith(_FORMS):
        # Already parsed (and kept) by the route before its dependencies run.
        sources.append(("body", (await request.form()).multi_items()))
    for where, params in sources:
        for name, value in params:
            if isinstance(value, str) and _CONTROL.search(value):
                problems.append(
                    {"loc": [where, name], "msg": CONTROL_MESSAGE, "type": "value_error"}
                )
    if problems:
        raise RequestValidationError(problems)
