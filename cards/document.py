"""What a card shows: plain data in, for the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from cards.numbers import grouped


@dataclass(frozen=True)
class CardDocument:
    card_number: str
    given_name: str  # empty for a person with one name (a mononym), kept in family_name
    family_name: str
    date_of_birth: date
    expires_on: date
    qr_text: str
    issued_on: date | None = None
    gender: Literal["F", "M", "X"] | None = None
    photo_jpeg: bytes | None = None
    # A PNG or JPEG of the holder's signature; the card leaves no box when there is none.
    signature_image: bytes | None = None
    # The name as the holder writes it in Latin letters, printed under a name in another script.
    latin_name: str | None = None
    # None when the holder asked for no address on the card (survivors, people without a fixed address).
    address_lines: list[str] | None = None
    # Language tags ("vi", "es") or names as the holder gave them; the card prints endonyms.
    preferred_languages: list[str] = field(default_factory=list)
    emergency_contact: str | None = None

    @property
    def grouped_number(self) -> str:
        return grouped(self.card_number)
