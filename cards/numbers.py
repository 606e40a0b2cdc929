"""How a card number is shown to people: the one place that groups its digits."""

from __future__ import annotations

GROUP = 4


def grouped(number: str) -> str:
    """The number in groups of four digits, as printed on the card and read aloud at a desk."""
    return " ".join(number[i : i + GROUP] for i in range(0, len(number), GROUP))
