from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from app.auth.schemas import NewPassword, Username
from app.kit.schema import InputSchema, Schema
from app.kit.text import Name

MerchantCategory = Literal["library", "parking", "bank", "pharmacy", "city_office", "other"]


class MerchantCreate(InputSchema):
    name: Name = Field(min_length=1, max_length=120)
    category: MerchantCategory


class MerchantRead(Schema):
    id: str
    name: str
    category: str
    # The key's first characters, so staff can tell which key a device holds; never the key.
    api_key_prefix: str
    active: bool
    created_at: datetime
    disabled_at: datetime | None


class MerchantKey(Schema):
    """A merchant's new API key: shown in this answer once, stored only as a hash."""

    id: str
    api_key: str


class MerchantStaffCreate(InputSchema):
    """A person at the merchant's desk, who signs in to /merchant/ with this password."""

    username: Username
    password: NewPassword


class MerchantStaffRead(Schema):
    id: str
    merchant_id: str
    username: str
    active: bool
    created_at: datetime
