"""Each worker's listener: a thread on a connection of its own that drops caches as changes are
announced. While it is not listening, caches keep entries one second only (caches.UNHEARD_TTL)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from app.changes import caches, repository
from app.db import is_sqlite

log = logging.getLogger(__name__)

_POLL_SECONDS = 1.0
_RETRY_SECONDS = 2.0


def _listen(url: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            for topic in repository.listen(url, _POLL_SECONDS):
                if stop.is_set():
                    break
                if topic is None:
                    if caches.hearing.by is not stop:
                        # Listening now: anything cached before may have missed a change.
                        caches.forget_all()
                        caches.hearing.start(stop)
                    continue
                caches.forget(topic)
        except Exception as exc:  # the connection is lost: say so, fall back, try again
            if stop.is_set():
                break
            log.warning("change listener disconnected (%s); retrying", type(exc).__name__)
        caches.hearing.stop(stop)
        stop.wait(_RETRY_SECONDS)


@contextmanager
def listening(url: str) -> Iterator[None]:
    """Listen for changes while the block runs (PostgreSQL only; SQLite has no NOTIFY)."""
    if is_sqlite(url):
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(target=_listen, args=(url, stop), name="change-listener", daemon=True)
    thread.start()
    try:
        yield
    finally:
        # Not joined: the thread sees the event within a poll and ends on its own, so an app
        # that stops (a test's) does not wait for it.
        stop.set()
        caches.hearing.stop(stop)
