"""The console's languages: gettext catalogs (Babel), and dates and money per language.

English is the source language; Spanish comes from `translations/es/LC_MESSAGES/messages.po`,
compiled to `.mo` by the build (`make translations`). Where the compiled file is missing (a
fresh checkout run straight from pytest) the `.po` is compiled in memory, so a page is never
silently English because a build step was skipped.
"""

from __future__ import annotations

import gettext as gettext_module
import io
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import Translations

from app.config import settings

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
DOMAIN = "messages"
LOCALES = ("en", "es")
DEFAULT_LOCALE = "en"
# What the language switch shows: each language named in itself.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
CURRENCY = "USD"


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


ROLE_NAMES = {
    "admin": N_("administrator"),
    "supervisor": N_("supervisor"),
    "clerk": N_("clerk"),
    "printer": N_("card printer"),
    "auditor": N_("auditor"),
}


def pick(wanted: str | None) -> str:
    return wanted if wanted in LOCALES else DEFAULT_LOCALE


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> gettext_module.NullTranslations:
    if locale == DEFAULT_LOCALE:
        return gettext_module.NullTranslations()
    folder = TRANSLATIONS_DIR / locale / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    if mo.exists():
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    with (folder / f"{DOMAIN}.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class Translator:
    """One request's language: gettext and the formats of dates and money."""

    def __init__(self, locale: str) -> None:
        self.locale = pick(locale)
        self._t = translations(self.locale)
        # Parsed once: Babel parses a locale given by name on every call (half of a date's time).
        self._babel = babel_locale(self.locale)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def date(self, value: date | None, fmt: str = "long") -> str:
        return "" if value is None else format_date(value, format=fmt, locale=self._babel)

    def datetime(self, value: datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        return format_datetime(value, format=fmt, tzinfo=_city_zone(), locale=self._babel)

    def money(self, cents: int | None) -> str:
        if cents is None:
            return ""
        # Formatting only: the cents are exact, the division here makes no amount.
        return format_currency(Decimal(cents).scaleb(-2), CURRENCY, locale=self._babel)


@lru_cache
def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def _city_zone() -> ZoneInfo:
    return ZoneInfo(settings.city_timezone)
