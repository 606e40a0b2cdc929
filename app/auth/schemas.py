from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.auth.roles import StaffRole
from app.branches.schemas import BranchCode
from app.kit.schema import InputSchema, Schema


class Token(Schema):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserCreate(InputSchema):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=10, max_length=256)
    role: StaffRole
    branch: BranchCode = "city-hall"


class UserUpdate(InputSchema):
    role: StaffRole | None = None
    branch: BranchCode | None = None
    active: bool | None = None


class UserRead(Schema):
    id: str
    username: str
    role: str
    branch: str
    active: bool
    created_at: datetime
