"""Per-worker caches of what rarely changes, each named by the topic a change announces."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from anyio import to_thread
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.changes import repository

K = TypeVar("K")
V = TypeVar("V")

# An entry's life while a listener hears every change: long, since a change drops it anyway;
# bounded, because a key's publication also ends with time (app.keys), which nobody announces.
HEARD_TTL = 60.0
# While nothing listens (SQLite; the listening connection lost or not up yet), an entry lives
# one second: a change elsewhere is seen within that.
UNHEARD_TTL = 1.0


class _Hearing:
    """Whether a listener hears changes now (set by app.changes.listener). Which one: a
    listener that stops while a newer one listens (an app started again in one process) must
    not turn the newer one's hearing off."""

    def __init__(self) -> None:
        self.by: object | None = None

    @property
    def on(self) -> bool:
        return self.by is not None

    def start(self, listener: object) -> None:
        self.by = listener

    def stop(self, listener: object) -> None:
        if self.by is listener:
            self.by = None


hearing = _Hearing()
_caches: dict[str, list[Cache[object, object]]] = {}
_lock = threading.Lock()


class Cache(Generic[K, V]):
    """A map of a few entries, emptied when its topic changes. A value read from the database
    before a change and stored after it would outlive the change, so `put` takes the generation
    read before the database was, and drops the value if the cache was emptied since."""

    def __init__(self, topic: str, *, most: int = 10_000) -> None:
        self.topic = topic
        self._most = most
        self._entries: dict[K, tuple[float, V]] = {}
        self._reading: dict[K, asyncio.Future[V | None]] = {}
        self.generation = 0
        with _lock:
            _caches.setdefault(topic, []).append(self)  # type: ignore[arg-type]

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is None:
            return None
        stored_at, value = found
        if time.monotonic() - stored_at > (HEARD_TTL if hearing.on else UNHEARD_TTL):
            return None
        return value

    def put(self, key: K, value: V, generation: int) -> None:
        if generation != self.generation:
            return
        if len(self._entries) >= self._most:
            self._entries.clear()  # a bound, not an eviction policy: keys are few
        self._entries[key] = (time.monotonic(), value)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
        # A read begun before the change may answer what the change undid: who asks from now
        # on starts a read of their own.
        self._reading.clear()

    def through(self, key: K, read: Callable[[], V | None]) -> V | None:
        """The cached value, else what `read()` answers, kept unless it is None or a change
        came while it read."""
        found = self.get(key)
        if found is None:
            generation = self.generation
            found = read()
            if found is not None:
                self.put(key, found, generation)
        return found

    async def through_thread(self, key: K, read: Callable[[], V | None]) -> V | None:
        """through() for the event loop: a miss reads in the thread pool (a session of its own).

        Requests that miss the same key at once share one read: a burst on a cold cache (a
        worker's first second, or just after a key rotated) would otherwise take a pooled
        connection each on top of their own, and could empty the pool."""
        found = self.get(key)
        if found is not None:
            return found
        loop = asyncio.get_running_loop()
        reading = self._reading.get(key)
        if reading is None or reading.get_loop() is not loop:
            # (Another loop's read is a test's other client; it reads for itself.)
            reading = loop.create_task(self._read(key, read))
            self._reading[key] = reading
            reading.add_done_callback(lambda done: self._done_reading(key, done))
        return await asyncio.shield(reading)

    def _done_reading(self, key: K, done: asyncio.Future[V | None]) -> None:
        if self._reading.get(key) is done:
            del self._reading[key]

    async def _read(self, key: K, read: Callable[[], V | None]) -> V | None:
        generation = self.generation
        found = await to_thread.run_sync(read)
        if found is not None:
            self.put(key, found, generation)
        return found


def forget(topic: str) -> None:
    with _lock:
        found = list(_caches.get(topic, ()))
    for cache in found:
        cache.clear()


def forget_all() -> None:
    with _lock:
        topics = list(_caches)
    for topic in topics:
        forget(topic)


def announce(session: Session, topic: str) -> None:
    """`topic` changes in this session's transaction: every worker drops its copies when it
    commits (this one at once and again after the commit; the others when NOTIFY reaches them)."""
    forget(topic)
    if session.get_bind().dialect.name == "postgresql":
        repository.notify(session, topic)
    event.listen(session, "after_commit", lambda _session: forget(topic), once=True)
