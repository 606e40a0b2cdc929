"""From a posted form to a schema, and from a schema's errors to messages at each field."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app.web.i18n import N_, Translator

Values = dict[str, str]
Errors = dict[str, str]

GENERIC = N_("Check this answer.")


def values_of(form: Mapping[str, object], names: tuple[str, ...]) -> Values:
    """The text fields posted, trimmed: what a form shows again when it comes back with errors."""
    out: Values = {}
    for name in names:
        value = form.get(name)
        out[name] = value.strip() if isinstance(value, str) else ""
    return out


def field_errors(
    t: Translator, exc: ValidationError, messages: Mapping[str, str], *, fallback: str = ""
) -> Errors:
    """Each invalid field's message in the clerk's language, keyed by the form field's name
    (a nested schema field `address.street` is the form field `address_street`)."""
    errors: Errors = {}
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        name = "_".join(loc) or fallback
        if not name or name in errors:
            continue
        errors[name] = t.gettext(messages.get(name, GENERIC))
    return errors


def uploaded(form: Mapping[str, object], name: str, limit: int) -> bytes:
    """The file posted in `name`, read to one byte past `limit` (enough to know it is too large
    without reading it all); empty when none was chosen."""
    upload = form.get(name)
    return upload.file.read(limit + 1) if isinstance(upload, UploadFile) else b""


def parse_cents(t: Translator, text: str) -> int | None:
    """An amount typed in dollars ("20", "20.50"; "20,50" in Spanish) as integer cents, or None."""
    try:
        amount = parse_decimal(text.strip().lstrip("$").strip(), locale=t.locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        return None
    if not isinstance(amount, Decimal) or amount <= 0:
        return None
    cents = amount.scaleb(2)
    if cents != cents.to_integral_value():
        return None
    return int(cents)
