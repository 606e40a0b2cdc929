"""Preferred languages as their speakers write them: "es" prints "Español", "vi" "Tiếng Việt"."""

from __future__ import annotations

from functools import cache

import langcodes


@cache
def endonym(language: str) -> str:
    """A language tag's own name for itself (CLDR, through langcodes); anything that is not a
    tag (a name typed at the counter, "Igbo") prints as it was given."""
    try:
        tag = langcodes.Language.get(language.strip())
    except (ValueError, LookupError):
        return language
    if not tag.is_valid() or tag.language is None:
        return language
    name = tag.autonym()
    if not name or name.startswith("Unknown"):
        return language
    # CLDR writes many language names in lower case ("español"); on a card they are titles.
    return name[0].upper() + name[1:]


def endonyms(languages: list[str]) -> str:
    return ", ".join(endonym(language) for language in languages)
