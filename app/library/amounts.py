"""SIP2 writes money as decimal text ("3.50"); we keep integer cents."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.kit.types import Cents


def cents_of(text: str) -> Cents:
    """ "3.50", "$3.50", "3" → cents; ValueError for anything finer than a cent or not a number."""
    cleaned = text.strip().lstrip("$").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of cents")
    return int(cents)


def sip2_amount(cents: Cents) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
