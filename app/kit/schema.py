"""Schema bases: every input forbids unknown fields, every output reads from ORM rows."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class InputSchema(BaseModel):
    # Unknown fields are refused (a 422 naming the field), so nothing we did not design for is stored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
