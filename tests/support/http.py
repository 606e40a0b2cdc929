"""HTTP helpers the tests share."""

from __future__ import annotations

Headers = dict[str, str]
"""Request headers, as `login(...)` and the merchant builders return them."""
