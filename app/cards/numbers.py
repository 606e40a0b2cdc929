"""Card numbers.

New cards carry a 14-digit library patron barcode number: 2 (a patron, not an item), the
library system's 4-digit institution code (a setting), 8 random digits and a mod-10 check digit
(the Luhn algorithm, as library systems compute it). A desk scanner reads it as a library card,
and nobody can take it for a payment card. Cards issued before carry 16 random digits with a
Luhn check digit; they keep them and keep working.
"""

from __future__ import annotations

import secrets

from app.config import settings

PATRON_LENGTH = 14
PATRON_PREFIX = "2"
LEGACY_LENGTH = 16


def luhn_check_digit(digits: str) -> str:
    total = 0
    # Double every second digit counting from the right of the final number (check digit included).
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _check_holds(number: str) -> bool:
    return number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def is_patron_number(number: str) -> bool:
    return (
        len(number) == PATRON_LENGTH and number.startswith(PATRON_PREFIX) and _check_holds(number)
    )


def is_valid(number: str) -> bool:
    """A card number of either form: a patron barcode, or a 16-digit number issued before."""
    return is_patron_number(number) or (len(number) == LEGACY_LENGTH and _check_holds(number))


def new_card_number(institution: str | None = None) -> str:
    # Random, not sequential: knowing one card's number tells nothing about another's.
    code = institution if institution is not None else settings.card_institution_code
    body = f"{PATRON_PREFIX}{code}{secrets.randbelow(10**8):08d}"
    return body + luhn_check_digit(body)


def normalize(text: str) -> str:
    """Accept a number as people type it: spaces and dashes ignored."""
    return text.replace(" ", "").replace("-", "")
