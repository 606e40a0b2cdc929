"""SIP2's decimal amounts and fine items, read into integer cents exactly or refused."""

from __future__ import annotations

import pytest

from app.library.amounts import cents_of, sip2_amount
from app.library.fine_items import parse_fine_item
from app.library.protocol import Fine


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("3.50", 350),
        ("$3.50", 350),
        ("3", 300),
        ("0.07", 7),
        ("1,234.00", 123400),
        (" 12.1 ", 1210),
    ],
)
def test_amounts_become_exact_cents(text: str, cents: int) -> None:
    assert cents_of(text) == cents


@pytest.mark.parametrize("text", ["3.505", "abc", "", "NaN", "sNaN", "Infinity", "1e-3"])
def test_what_is_not_whole_cents_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not"):
        cents_of(text)


@pytest.mark.parametrize(("cents", "text"), [(350, "3.50"), (7, "0.07"), (100000, "1000.00")])
def test_cents_are_written_as_sip2_amounts(cents: int, text: str) -> None:
    assert sip2_amount(cents) == text
    assert cents_of(sip2_amount(cents)) == cents


def test_fine_items_are_read_or_refused() -> None:
    assert parse_fine_item("F-1 3.50 Overdue: Beloved") == Fine("F-1", 350, "Overdue: Beloved")
    assert parse_fine_item("F-2 1.25") == Fine("F-2", 125, "")
    for bad in ("Overdue fine", "F-3 three-fifty Lost"):
        with pytest.raises(ValueError, match="amount"):
            parse_fine_item(bad)
