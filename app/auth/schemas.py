from __future__ import annotations

from datetime import datetime

from pydantic import Field, StrictBool

from app.auth.roles import StaffRole
from app.kit.schema import InputSchema, Schema


class Token(Schema):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserCreate(InputSchema):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=10, max_length=256)
    role: StaffRole
    branch: str = Field(default="city-hall", min_length=1, max_length=64)


class UserUpdate(InputSchema):
    role: StaffRole | None = None
    branch: str | None = Field(default=None, min_length=1, max_length=64)
    active: StrictBool | None = None


class UserRead(Schema):
    id: str
    username: str
    role: str
    branch: str
    active: bool
    created_at: datetime
