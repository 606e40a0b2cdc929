"""A library payment's statuses: the enum the code uses is what the table accepts."""

from __future__ import annotations

import sqlalchemy as sa

from app.library.models import LibraryPayment, LibraryPaymentStatus


def test_the_table_accepts_exactly_the_enum() -> None:
    table = LibraryPayment.__table__
    assert isinstance(table, sa.Table)
    (check,) = (c for c in table.constraints if c.name and str(c.name).endswith("status_known"))
    assert isinstance(check, sa.CheckConstraint)
    listed = str(check.sqltext).split("(", 1)[1].rstrip(")")
    assert [v.strip(" '") for v in listed.split(",")] == list(LibraryPaymentStatus)
