"""A card's claims as the card library tests sign them (no database: cards/ is pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from cards.credential import CardClaims


def card_claims(**overrides: Any) -> CardClaims:
    """A year-long card issued now, numbered and indexed as the tests expect; override any field."""
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "card_number": "4000123412341234",
        "given_name": "Ana",
        "family_name": "Lopez",
        "date_of_birth": date(1990, 1, 2),
        "gender": "F",
        "issuer": "https://id.example.city",
        "issued_at": now,
        "expires_at": now + timedelta(days=365),
        "status_list_uri": "https://id.example.city/v1/status-lists/1",
        "status_index": 4242,
    }
    fields.update(overrides)
    return CardClaims(**fields)
