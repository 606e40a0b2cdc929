"""Verification's outcomes as the API publishes them, and as the daily counts store them."""

from __future__ import annotations

from typing import get_args

from app.verification.models import Outcome, VerificationCount
from app.verification.schemas import DailyCountRead, PublishedOutcome


def test_the_published_outcomes_are_the_enum() -> None:
    assert get_args(PublishedOutcome) == tuple(Outcome)


def test_each_outcome_is_counted_in_a_column_of_its_name() -> None:
    columns = set(VerificationCount.__table__.columns.keys())
    assert set(Outcome) <= columns
    assert set(Outcome) <= set(DailyCountRead.model_fields)
