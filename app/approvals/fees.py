"""The fee rule and its waivers, for a first card, a renewal and a replacement.

The counter names why a fee is waived (hardship, senior, veteran, homeless, domestic_violence,
or city_error for the city's own fault), but only the coarse kind is kept: homelessness and
domestic violence are recorded as "hardship", because the city treats them as confidential and
what is not stored cannot be demanded. The senior waiver is automatic from
`fee_senior_from_age` (nobody should have to ask for it), and refused when asked for someone
younger.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, overload

from app.applicants.errors import WaiverNotApplicable
from app.applicants.schemas import FeeWaiverReason, StoredWaiver
from app.cards.schemas import FeeWaiver
from app.config import settings
from app.kit.dates import age_on

STORED_WAIVER: dict[str, StoredWaiver] = {
    "hardship": "hardship",
    "homeless": "hardship",
    "domestic_violence": "hardship",
    "senior": "senior",
    "veteran": "veteran",
}
# What a card keeps of its waiver: the coarse kind, or the city's own error.
KeptWaiver = StoredWaiver | Literal["city_error"]


def _kept(waiver: FeeWaiver | None) -> KeptWaiver | None:
    if waiver is None or waiver == "city_error":
        return waiver
    return STORED_WAIVER[waiver]


@overload
def fee_for(
    date_of_birth: date,
    day: date,
    waiver: FeeWaiverReason | None,
    *,
    flat: int | None = None,
    who: str = ...,
) -> tuple[int, StoredWaiver | None]: ...
@overload
def fee_for(
    date_of_birth: date,
    day: date,
    waiver: FeeWaiver | None,
    *,
    flat: int | None = None,
    who: str = ...,
) -> tuple[int, KeptWaiver | None]: ...
def fee_for(
    date_of_birth: date,
    day: date,
    waiver: FeeWaiver | None,
    *,
    flat: int | None = None,
    who: str = "the holder",
) -> tuple[int, KeptWaiver | None]:
    """The fee owed on `day` and the waiver kept: none from the senior age on, else the adult or
    the minor fee by age; `flat` is a replacement's fee, whatever the age. `who` names the person
    in the refusal of a senior waiver asked for too young."""
    age = age_on(date_of_birth, day)
    if waiver == "senior" and age < settings.fee_senior_from_age:
        raise WaiverNotApplicable(
            f"the senior waiver starts at age {settings.fee_senior_from_age}; {who} is {age}"
        )
    kept = _kept(waiver)
    if kept is None and age >= settings.fee_senior_from_age:
        kept = "senior"
    if kept is not None:
        return 0, kept
    if flat is not None:
        return flat, None
    adult = age >= settings.fee_adult_from_age
    return (settings.fee_adult_cents if adult else settings.fee_minor_cents), None
