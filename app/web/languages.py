"""The languages a person may name as preferred, printed on the card in their own name."""

from __future__ import annotations

from app.web.i18n import N_

# (what is stored and printed: the language's own name, what the clerk reads in their language)
PREFERRED: tuple[tuple[str, str], ...] = (
    ("English", N_("English")),
    ("Español", N_("Spanish")),
    ("中文", N_("Chinese")),
    ("Kreyòl ayisyen", N_("Haitian Creole")),
    ("Português", N_("Portuguese")),
    ("العربية", N_("Arabic")),
    ("Français", N_("French")),
    ("Русский", N_("Russian")),
    ("Tiếng Việt", N_("Vietnamese")),
    ("한국어", N_("Korean")),
    ("Polski", N_("Polish")),
    ("বাংলা", N_("Bengali")),
    ("Kiswahili", N_("Swahili")),
    ("دری", N_("Dari")),
    ("پښتو", N_("Pashto")),
    ("ASL", N_("American Sign Language")),
)
NAMES = frozenset(name for name, _label in PREFERRED)
