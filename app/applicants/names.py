"""Name keys: how "nguyen thi anh" finds "Nguyễn Thị Ánh", and when two names look alike."""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

from disarm import skeleton_key

# Letters that NFKD does not take apart into a base letter and a mark.
_SPECIAL = str.maketrans(
    {
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "þ": "th",
        "Þ": "th",
    }
)
# Apostrophes join (O'Brien is "obrien"); hyphens and dots separate (Núñez-Ortiz is two words).
_JOINERS = frozenset("'’ʼ`´")
KEY_MAX_LENGTH = 220
SIMILAR_RATIO = 0.85


def fold(text: str) -> str:
    """Case- and accent-free words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) or char in _JOINERS:
            continue
        kept.append(char if char.isalnum() else " ")
    return " ".join("".join(kept).casefold().translate(_SPECIAL).split())


def name_key(given_name: str, family_name: str) -> str:
    """The stored search key: "given family", folded, cut to the column's length."""
    return fold(f"{given_name} {family_name}")[:KEY_MAX_LENGTH].rstrip()


def skeleton(text: str) -> str:
    """The confusable skeleton (Unicode TS 39, by disarm) of a text, folded like the keys:
    letters of any script that look alike, and invisible characters, leave the same skeleton."""
    return fold(skeleton_key(text))


def name_skeleton(given_name: str, family_name: str) -> str:
    """The stored skeleton of "given family", cut to the column's length."""
    return skeleton(f"{given_name} {family_name}")[:KEY_MAX_LENGTH].rstrip()


def query_skeletons(query: str) -> list[str]:
    """The words of a search as skeletons, to match the stored ones."""
    return skeleton(query).split()


def query_words(query: str) -> list[str]:
    """The words of a search, folded the same way as the stored keys."""
    return fold(query).split()


def look_alike(key_a: str, key_b: str) -> bool:
    """Same words in any order, or close spellings (one or two letters apart)."""
    words_a, words_b = sorted(key_a.split()), sorted(key_b.split())
    if words_a == words_b:
        return True
    return SequenceMatcher(None, " ".join(words_a), " ".join(words_b)).ratio() >= SIMILAR_RATIO
