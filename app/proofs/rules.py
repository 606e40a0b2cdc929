"""The approval rules, as pure functions: what is still missing for a set of proofs.

Used both by the public pre-check (documents a person means to bring) and by approval (proof
checks a clerk recorded, plus the photo and the age). Every threshold comes from the settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.config import settings


@dataclass(frozen=True)
class Proof:
    """What one document proves: the same fields whether it is a catalog entry or a stored check."""

    identity_points: int
    shows_photo: bool
    shows_date_of_birth: bool
    # True only when the residency proof is recent enough today.
    proves_residency: bool


@dataclass(frozen=True)
class Unmet:
    requirement: str
    detail: str


def missing_documents(proofs: Iterable[Proof]) -> list[Unmet]:
    """The document requirements these proofs leave unmet, in the order a clerk explains them."""
    proofs = list(proofs)
    unmet: list[Unmet] = []
    points = sum(p.identity_points for p in proofs)
    if points < settings.min_identity_points:
        unmet.append(
            Unmet(
                "identity_points",
                f"{points} of the {settings.min_identity_points} identity points needed",
            )
        )
    if settings.require_photo_document and not any(p.shows_photo for p in proofs):
        unmet.append(Unmet("photo_document", "an identity document with a photo"))
    if settings.require_date_of_birth_document and not any(p.shows_date_of_birth for p in proofs):
        unmet.append(Unmet("date_of_birth_document", "a document showing the date of birth"))
    if settings.require_residency_proof and not any(p.proves_residency for p in proofs):
        unmet.append(
            Unmet(
                "residency_proof",
                f"a proof of residency dated within the last {settings.residency_max_age_days} days",
            )
        )
    return unmet


def missing_at_the_counter(*, has_photo: bool, age: int) -> list[Unmet]:
    """What approval needs beyond documents: a photo on file and the minimum age."""
    unmet: list[Unmet] = []
    if settings.require_photo_on_file and not has_photo:
        unmet.append(Unmet("photo_on_file", "a photo taken or uploaded for the card"))
    if age < settings.min_age_years:
        unmet.append(
            Unmet("minimum_age", f"applicants must be at least {settings.min_age_years} years old")
        )
    return unmet
