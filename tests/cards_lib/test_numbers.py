"""The card number as people read it: groups of four, whatever the number's length."""

from __future__ import annotations

from cards.numbers import grouped


def test_a_patron_number_reads_in_groups_of_four_with_a_short_last_group() -> None:
    assert grouped("21234567890128") == "2123 4567 8901 28"


def test_a_legacy_number_reads_in_four_full_groups() -> None:
    assert grouped("4000123412341234") == "4000 1234 1234 1234"
