"""The card's theme and fonts for this deployment, from the settings (read once)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from app.config import Settings, settings
from cards.fonts import FontSet, default_fonts
from cards.theme import Theme, load_theme


@cache
def card_theme() -> Theme:
    """The theme file named by RESIDENT_ID_CARD_THEME (or the shipped one); a city name set in
    RESIDENT_ID_CITY_NAME wins over the theme's, so the two never disagree on the card."""
    theme = load_theme(settings.card_theme)
    if settings.city_name != Settings.model_fields["city_name"].default:
        theme = replace(theme, city_name=settings.city_name)
    return theme


@cache
def card_fonts() -> FontSet:
    return default_fonts(tuple(settings.card_font_dirs))


def unprintable(text: str) -> list[str]:
    """Characters of `text` that no card font has: a card must never print an empty box."""
    return card_fonts().uncovered(text)
