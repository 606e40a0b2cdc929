"""Schema bases: every input forbids unknown fields, every output reads from ORM rows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from app.kit.text import check_strings


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class InputSchema(BaseModel):
    # Unknown fields are refused (a 422 naming the field), so nothing we did not design for is stored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # Every string of every body is Text (app.kit.text): a 422 naming the field, never a 500.
        return check_strings(value)
