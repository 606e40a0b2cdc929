from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from app.kit.schema import InputSchema, Schema
from app.kit.text import Name

BRANCH_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
BranchCode = Annotated[
    str,
    Field(
        pattern=BRANCH_CODE_PATTERN,
        description="The branch's code: letters, digits, _ and - (up to 32), e.g. city-hall.",
    ),
]


class BranchCreate(InputSchema):
    code: BranchCode
    name: Name = Field(min_length=1, max_length=120)
    address: Name | None = Field(default=None, min_length=1, max_length=300)
    # As residents should read it, e.g. "Mon-Fri 9:00-17:00, Sat 10:00-14:00".
    opening_hours: Name | None = Field(default=None, min_length=1, max_length=300)


class BranchRead(Schema):
    code: str
    name: str
    address: str | None
    opening_hours: str | None
    created_at: datetime
