"""Card numbers: 15 random digits and a Luhn check digit, printed in groups of four."""

from __future__ import annotations

import secrets


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


def is_valid(number: str) -> bool:
    return len(number) == 16 and number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def new_card_number() -> str:
    # Random, not sequential: knowing one card's number tells nothing about another's.
    body = str(secrets.randbelow(9 * 10**14) + 10**14)
    return body + luhn_check_digit(body)


def grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def normalize(text: str) -> str:
    """Accept a number as people type it: spaces and dashes ignored."""
    return text.replace(" ", "").replace("-", "")
