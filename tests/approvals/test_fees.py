"""The one fee rule (app.approvals.fees) for a first card, a renewal and a replacement, as a pure
function of the date of birth, the day and the waiver named."""

from __future__ import annotations

from datetime import date

import pytest

from app.applicants.errors import WaiverNotApplicable
from app.approvals.fees import fee_for
from app.cards.schemas import FeeWaiver
from app.config import settings

DAY = date(2026, 6, 1)


def _born(age: int) -> date:
    return date(DAY.year - age, 1, 1)


@pytest.mark.parametrize(
    ("age", "waiver", "fee", "kept"),
    [
        (30, None, settings.fee_adult_cents, None),
        (12, None, settings.fee_minor_cents, None),
        (settings.fee_senior_from_age, None, 0, "senior"),
        (30, "homeless", 0, "hardship"),
        (30, "domestic_violence", 0, "hardship"),
        (30, "veteran", 0, "veteran"),
        (30, "city_error", 0, "city_error"),
    ],
)
def test_the_fee_and_the_waiver_kept(
    age: int, waiver: FeeWaiver | None, fee: int, kept: str | None
) -> None:
    assert fee_for(_born(age), DAY, waiver) == (fee, kept)


def test_a_replacement_is_flat_whatever_the_age_but_still_free_for_seniors() -> None:
    flat = settings.replacement_fee_cents
    assert fee_for(_born(12), DAY, None, flat=flat) == (flat, None)
    assert fee_for(_born(settings.fee_senior_from_age), DAY, None, flat=flat) == (0, "senior")


def test_the_senior_waiver_is_refused_below_its_age_naming_who() -> None:
    with pytest.raises(WaiverNotApplicable, match="this applicant is 30"):
        fee_for(_born(30), DAY, "senior", who="this applicant")
