"""Per-merchant-key rate limit for online verification: a token bucket in this process's memory.

A bucket holds up to a minute's allowance and refills continuously, so a merchant may burst (a
queue at the library desk) but not exceed `verify_rate_per_minute` on average. Each server process
keeps its own buckets: with N workers a key gets at most N times the rate, which is the price of
not touching the database to count requests.
"""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # key -> (tokens left, monotonic time of the last update)
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str, per_minute: int, now: float | None = None) -> int:
        """Take one request from the key's bucket: 0 when admitted, else whole seconds to wait."""
        now = time.monotonic() if now is None else now
        capacity = float(max(per_minute, 1))
        refill_per_second = capacity / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * refill_per_second)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0
            self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / refill_per_second))

    def wait(self, key: str, per_minute: int, now: float | None = None) -> int:
        """Whole seconds until the key's bucket holds a request again (0: it holds one now),
        taking nothing from it."""
        now = time.monotonic() if now is None else now
        capacity = float(max(per_minute, 1))
        refill_per_second = capacity / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * refill_per_second)
        if tokens >= 1.0:
            return 0
        return max(1, math.ceil((1.0 - tokens) / refill_per_second))


verify_limiter = RateLimiter()
