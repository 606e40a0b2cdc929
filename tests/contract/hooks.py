"""Schemathesis hooks for the contract run (loaded through tests/contract/schemathesis.toml).

A client sends a new Idempotency-Key for each new payment and the same key only on a retry of the
same request; the server answers 422 IdempotencyKeyReused to a key reused for another body. The
generator does not know that and reuses its few sample keys across different bodies, so each
schema-valid request gets a fresh one here. Negative requests are left as generated (among them
the one meant to go without the header: schemathesis drops it only while the case is negative,
and a changed header would make it valid again), and so are malformed keys.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,255}$")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return
    headers = case.headers or {}
    for name, value in headers.items():
        if name.lower() == "idempotency-key" and isinstance(value, str) and _KEY.match(value):
            headers[name] = str(uuid.uuid4())
