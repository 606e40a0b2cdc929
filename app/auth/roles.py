"""The roles a staff account can hold, plus the pseudo-role of a merchant's API key."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CLERK = "clerk"
    PRINTER = "printer"
    AUDITOR = "auditor"
    # Not a staff account: a merchant authenticated by its API key.
    MERCHANT = "merchant"


StaffRole = Literal["admin", "supervisor", "clerk", "printer", "auditor"]
STAFF_ROLES: tuple[Role, ...] = (
    Role.ADMIN,
    Role.SUPERVISOR,
    Role.CLERK,
    Role.PRINTER,
    Role.AUDITOR,
)
