"""Field types for what staff type at the counter: bounded, printable text and ISO dates only."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from app.kit.text import VISIBLE_PATTERN, Published, plain, visible

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
OLDEST_BIRTH = date(1900, 1, 1)


# Control characters and lone surrogates cannot be printed on a card, and PostgreSQL refuses NUL
# outright; a name also refuses invisible characters, which make look-alikes (app.kit.text).
_printable = plain


def _nfc(value: Any) -> Any:
    # Composed form, as fonts print it best; before the length check, which NFC can change.
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _iso_date(value: Any) -> Any:
    # Only "YYYY-MM-DD": lax parsing would read 0 as 1970-01-01 or accept a datetime.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


def _plausible_birth(value: date) -> date:
    # UTC's today: a birthday in the city's today may be UTC's tomorrow for a few hours.
    if value > datetime.now(UTC).date() + timedelta(days=1):
        raise ValueError("a date of birth cannot be in the future")
    if value < OLDEST_BIRTH:
        raise ValueError(f"a date of birth before {OLDEST_BIRTH.isoformat()} is a typo")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
BirthDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_plausible_birth)]

# Published: the schema's pattern says what `visible` refuses (app.kit.text).
Name = Annotated[
    str,
    BeforeValidator(_nfc),
    Field(min_length=1, max_length=100),
    AfterValidator(visible),
    Published(VISIBLE_PATTERN),
]


def _on_card(value: str) -> str:
    # A name the card's fonts cannot draw would print as empty boxes: refuse it now, naming it.
    from app.kit.card_look import unprintable

    missing = unprintable(value)
    if missing:
        named = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in missing)
        raise ValueError(f"the card cannot print {named}: no card font has it")
    return value


CardName = Annotated[Name, AfterValidator(_on_card)]
Street = Annotated[
    str, BeforeValidator(_nfc), Field(min_length=1, max_length=200), AfterValidator(_printable)
]
Unit = Annotated[
    str, BeforeValidator(_nfc), Field(min_length=1, max_length=50), AfterValidator(_printable)
]
CityName = Annotated[
    str, BeforeValidator(_nfc), Field(min_length=1, max_length=100), AfterValidator(visible)
]
PostalCode = Annotated[
    str, Field(min_length=3, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]*$")
]
Phone = Annotated[str, Field(min_length=3, max_length=40, pattern=r"^\+?[0-9][0-9 ().-]*$")]
Email = Annotated[str, Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Language = Annotated[
    str, BeforeValidator(_nfc), Field(min_length=1, max_length=40), AfterValidator(_printable)
]
# Whose address it is when the person receives mail there: a shelter, a relative, a friend.
CareOf = Annotated[
    str, BeforeValidator(_nfc), Field(min_length=1, max_length=200), AfterValidator(visible)
]
ContactName = Annotated[
    str,
    BeforeValidator(_nfc),
    Field(min_length=1, max_length=200),
    AfterValidator(visible),
    Published(VISIBLE_PATTERN),
]
