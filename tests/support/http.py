"""HTTP helpers the tests share."""

from __future__ import annotations

from collections.abc import Callable

Headers = dict[str, str]
"""Request headers, as `login(...)` and the merchant builders return them."""

Login = Callable[..., Headers]
"""The `login` fixture: `login("clerk")` answers a new staff account's auth headers."""
