from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool

from app.auth.passwords import MAX_LENGTH, MIN_LENGTH
from app.auth.roles import StaffRole
from app.branches.schemas import BranchCode
from app.kit.schema import InputSchema, Schema

# Usernames ignore case: stored and compared in lower case.
Username = Annotated[
    str,
    Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._-]+$"),
    AfterValidator(str.lower),
]
NewPassword = Annotated[str, Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]


class Token(Schema):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    # True after an administrator's reset: only POST /v1/auth/password is allowed until then.
    must_change_password: bool = False


class UserCreate(InputSchema):
    username: Username
    password: NewPassword
    role: StaffRole
    branch: BranchCode = "city-hall"


class UserUpdate(InputSchema):
    role: StaffRole | None = None
    branch: BranchCode | None = None
    active: StrictBool | None = None


class UserRead(Schema):
    id: str
    username: str
    role: str
    branch: str
    active: bool
    must_change_password: bool
    created_at: datetime


class PasswordChange(InputSchema):
    current_password: str = Field(max_length=MAX_LENGTH)
    new_password: NewPassword


class PasswordReset(InputSchema):
    new_password: NewPassword
