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
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# Cc: C0 and C1 controls, DEL. Cs: lone surrogates (not text at all).
_CONTROLS = r"\x00-\x1f\x7f-\x9f"
_CONTROL = re.compile(rf"[{_CONTROLS}\ud800-\udfff]")


def _ranges(codes: list[int]) -> str:
    """A character class body for these code points: BMP ones escaped (\\uXXXX, as both
    ECMA-262 and Python read it), the others written as themselves (JSON carries them whole)."""
    parts: list[str] = []
    start = prev = codes[0]
    for code in [*codes[1:], -1]:
        if code == prev + 1:
            prev = code
            continue
        low, high = (f"\\u{c:04x}" if c <= 0xFFFF else chr(c) for c in (start, prev))
        parts.append(low if start == prev else f"{low}-{high}")
        start = prev = code
    return "".join(parts)


# Cf (format: bidi controls, zero-width space/joiners, tags, BOM, soft hyphen...) plus the
# line and paragraph separators: invisible, or invisibly reordering what follows.
_INVISIBLE_CLASS = _ranges(
    [
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp")
    ]
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CLASS}]")
# The same rules as patterns, for the published schema: every string the API takes says what it
# refuses (app.openapi adds PLAIN_PATTERN wherever a string states no pattern of its own).
# Lone surrogates are left out: UTF-8 cannot carry them, and validators built on Rust's regex
# (schemathesis's among them) refuse a pattern that names them.
PLAIN_PATTERN = f"^[^{_CONTROLS}]*$"
VISIBLE_PATTERN = f"^[^{_CONTROLS}{_INVISIBLE_CLASS}]*$"

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


@dataclass(frozen=True)
class Published:
    """Writes a rule's pattern into the published schema of a string that states none of its own
    (a field's own pattern is stricter: it admits no control or invisible character)."""

    pattern: str

    def __get_pydantic_json_schema__(
        self, core: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core)
        if schema.get("type") == "string":
            schema.setdefault("pattern", self.pattern)
        return schema


Text = Annotated[str, AfterValidator(plain), Published(PLAIN_PATTERN)]
Name = Annotated[str, AfterValidator(visible), Published(VISIBLE_PATTERN)]


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
