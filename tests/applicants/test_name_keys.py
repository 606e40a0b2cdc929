"""Name keys and look-alikes: pure functions, checked on the names the city actually sees."""

from __future__ import annotations

import pytest

from app.applicants.names import KEY_MAX_LENGTH, fold, look_alike, name_key


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Nguyễn Thị Ánh", "nguyen thi anh"),
        ("Ōtsuka", "otsuka"),
        ("O'Brien-Núñez", "obrien nunez"),
        ("O’Brien", "obrien"),
        ("Đặng Đức", "dang duc"),
        ("Søren Ørsted", "soren orsted"),
        ("Łukasz Wałęsa", "lukasz walesa"),
        ("Straße", "strasse"),
        ("ＡＢＣ", "abc"),  # full-width letters, as some keyboards type them
        ("  Ana   María  ", "ana maria"),
        ("王明", "王明"),
        ("محمد", "محمد"),
    ],
)
def test_fold(name: str, folded: str) -> None:
    assert fold(name) == folded


def test_a_key_never_outgrows_its_column() -> None:
    # U+FDFA expands to 18 letters under NFKD.
    key = name_key("\ufdfa" * 100, "\ufdfa" * 100)
    assert 0 < len(key) <= KEY_MAX_LENGTH
    assert key == key.strip()


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("thi anh nguyen", "nguyen thi anh", True),
        ("thi anh nguyen", "thi ank nguyen", True),
        ("maria garcia", "maria garcia lopez", False),
        ("bao tran", "thi anh nguyen", False),
    ],
)
def test_look_alike(a: str, b: str, alike: bool) -> None:
    assert look_alike(a, b) is alike
