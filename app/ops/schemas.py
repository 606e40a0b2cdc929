from __future__ import annotations

from typing import Literal

from app.kit.schema import Schema


class Readiness(Schema):
    status: Literal["ready", "not ready"]
    problems: list[str]
