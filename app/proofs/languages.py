"""The public pre-check speaks the resident's language: English or Spanish, chosen from the
request's Accept-Language (RFC 9110: quality values, then order), English when neither is asked.

Only the pre-check's own sentences are here; the catalog carries each document's name in both.
"""

from __future__ import annotations

from typing import Literal

from app.config import settings

Language = Literal["en", "es"]
SUPPORTED: tuple[Language, ...] = ("en", "es")
DEFAULT: Language = "en"
# A hostile header is cut short rather than parsed whole.
MAX_HEADER = 500


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def negotiate(header: str | None) -> Language:
    """The supported language the header prefers most ("es-MX" asks for "es")."""
    best: Language = DEFAULT
    best_q = 0.0
    for item in (header or "")[:MAX_HEADER].split(","):
        tag, *params = item.strip().split(";")
        primary = tag.strip().lower().split("-")[0]
        q = _quality(params)
        for language in SUPPORTED:
            if primary == language and q > best_q:
                best, best_q = language, q
    return best


def requirement(code: str, language: Language, *, points: int) -> str:
    """What a missing requirement asks for, in the language."""
    needed, days = settings.min_identity_points, settings.residency_max_age_days
    if language == "es":
        return {
            "identity_points": f"{points} de los {needed} puntos de identidad necesarios",
            "photo_document": "un documento de identidad con foto",
            "date_of_birth_document": "un documento que muestre la fecha de nacimiento",
            "residency_proof": f"un comprobante de domicilio con fecha de los últimos {days} días",
        }[code]
    return {
        "identity_points": f"{points} of the {needed} identity points needed",
        "photo_document": "an identity document with a photo",
        "date_of_birth_document": "a document showing the date of birth",
        "residency_proof": f"a proof of residency dated within the last {days} days",
    }[code]


def reminders(language: Language) -> list[str]:
    days = settings.residency_max_age_days
    if language == "es":
        return [
            "traiga los originales; no se aceptan copias",
            f"un comprobante de domicilio debe tener fecha de los últimos {days} días (algunos, "
            "de menos: lo dice cada documento)",
        ]
    return [
        "bring the originals; copies are not accepted",
        f"a residency document must be dated within the last {days} days (some more recently: "
        "each document says so)",
    ]


def unknown_documents(where: str, language: Language) -> str:
    if language == "es":
        return f"{where}: no está en el catálogo de documentos (vea GET /v1/documents)"
    return f"{where}: not in the document catalog (see GET /v1/documents)"
