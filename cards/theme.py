"""A city's look, read from a TOML file (name, seal, colours, wording, which optional fields
print), never set in code. Paths in the file (the seal) are relative to the file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_THEME = Path(__file__).parent / "themes" / "default.toml"
_LABELS = (
    "date_of_birth",
    "expires",
    "gender",
    "card_number",
    "address",
    "languages",
    "emergency_contact",
)
# Labels added later: a theme written before them still loads, with these words.
_LATER_LABELS = {"issued": "Issued / Emitida", "signature": "Signature / Firma"}
OPTIONAL_FIELDS = ("gender", "address", "languages")


class ThemeError(ValueError):
    """The theme file is missing, unreadable or lacks something the card needs."""


@dataclass(frozen=True)
class Theme:
    city_name: str
    # The card's title in each of the card's languages, printed in that order.
    card_titles: tuple[str, ...]
    primary: str
    accent: str
    text: str
    muted: str
    background: str
    guilloche: str
    seal_initials: str
    # The seal as a file (SVG or PNG); None draws a ring with the initials.
    seal: Path | None
    return_line: str
    return_address: str
    labels: dict[str, str]
    # The optional fields that print: any of gender, address, languages.
    prints: frozenset[str]
    microtext: str

    @property
    def card_title(self) -> str:
        return " · ".join(self.card_titles)


def _titles(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ThemeError("card_title is a string or a list of strings, one per language")


def load_theme(path: Path | None = None) -> Theme:
    source = path or DEFAULT_THEME
    try:
        with source.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThemeError(f"cannot read the card theme {source}: {exc}") from exc
    labels = {**_LATER_LABELS, **data.get("labels", {})}
    missing = [name for name in _LABELS if name not in labels]
    if missing:
        raise ThemeError(f"theme {source} lacks labels: {', '.join(missing)}")
    try:
        seal = (source.parent / data["seal"]) if data.get("seal") else None
        prints = data.get("print", {})
        unknown = set(prints) - set(OPTIONAL_FIELDS)
        if unknown:
            raise ThemeError(f"theme {source}: [print] knows only {', '.join(OPTIONAL_FIELDS)}")
        city = str(data["city_name"])
        return Theme(
            city_name=city,
            card_titles=_titles(data["card_title"]),
            primary=data["primary"],
            accent=data["accent"],
            text=data["text"],
            muted=data["muted"],
            background=data["background"],
            guilloche=data.get("guilloche", data["primary"]),
            seal_initials=data["seal_initials"],
            seal=seal,
            return_line=data["return_line"],
            return_address=data.get("return_address", ""),
            labels={name: str(labels[name]) for name in (*_LABELS, *_LATER_LABELS)},
            prints=frozenset(f for f in OPTIONAL_FIELDS if prints.get(f, True)),
            microtext=data.get("microtext", f"{city} resident card").upper(),
        )
    except KeyError as exc:
        raise ThemeError(f"theme {source} lacks {exc.args[0]}") from exc
