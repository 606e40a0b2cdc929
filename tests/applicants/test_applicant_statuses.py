"""The applicant statuses the API publishes are the ones the code uses."""

from __future__ import annotations

from typing import get_args

from app.applicants.models import ApplicantStatus
from app.applicants.schemas import PublishedApplicantStatus


def test_the_published_applicant_statuses_are_the_enums() -> None:
    assert get_args(PublishedApplicantStatus) == tuple(ApplicantStatus)
