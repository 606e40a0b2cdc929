"""The one place that says which number the library knows a card by."""

from __future__ import annotations

from app.cards.models import Card


def library_barcode(card: Card) -> str:
    """The patron id (AA) the library's system files this card under: the card's own number,
    whatever shape `cards/numbers.py` gives it (so a change of card numbers changes it here)."""
    return card.number
