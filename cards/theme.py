"""A city's look, read from a TOML file (colours, seal, wording), never set in code."""

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


@dataclass(frozen=True)
class Theme:
    city_name: str
    card_title: str
    primary: str
    accent: str
    text: str
    muted: str
    background: str
    seal_initials: str
    return_line: str
    labels: dict[str, str]


def load_theme(path: Path | None = None) -> Theme:
    with (path or DEFAULT_THEME).open("rb") as handle:
        data = tomllib.load(handle)
    labels = data.get("labels", {})
    missing = [name for name in _LABELS if name not in labels]
    if missing:
        raise ValueError(f"theme {path or DEFAULT_THEME} lacks labels: {', '.join(missing)}")
    return Theme(
        city_name=data["city_name"],
        card_title=data["card_title"],
        primary=data["primary"],
        accent=data["accent"],
        text=data["text"],
        muted=data["muted"],
        background=data["background"],
        seal_initials=data["seal_initials"],
        return_line=data["return_line"],
        labels={name: str(labels[name]) for name in _LABELS},
    )
