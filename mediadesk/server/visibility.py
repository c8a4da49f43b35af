"""Which media files this server may still serve, learned from the deletion feed.

Every ``/stream/`` path names a media id. An id is served once it was seen live (one
database read, then remembered) and until the feed reports its tombstone. A thread
reads the feed every :data:`POLL_S`, so a delete made anywhere (GUI, CLI, another
server, a worker) stops the original, HLS, posters and the rest within a second.

The hot path costs a set lookup (``is_gone``). If the feed stops answering (the
database is away), answers older than :data:`STALE_S` are not trusted: every request
then reads the database again (:meth:`LiveMedia.status` says "unknown"), slower but
never serving a deleted file.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from mediadesk.events import EventBus, MediaChanged
from mediadesk.services.deletions import DeletionFeed

log = logging.getLogger(__name__)

POLL_S = 0.25
STALE_S = 0.7  # poll period + a slow read; past it the cache is not trusted
LIVE_CACHE = 16_384


class LiveMedia:
    def __init__(self, feed: DeletionFeed, poll_s: float = POLL_S) -> None:
        self.feed = feed
        self.poll_s = poll_s
        self._live: dict[str, str] = {}  # media id -> original key
        self._gone: set[str] = set()
        self._lock = threading.Lock()
        self._cursor = 0
        self._fresh_until = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None

    # Running ------------------------------------------------------------------------

    def start(self, bus: EventBus | None = None) -> LiveMedia:
        """Follow the feed; with ``bus``, deletes made in this process (the app, this
        server's API) act at once, before the next poll."""
        if bus is not None:
            self._unsubscribe = bus.subscribe(self._on_media, MediaChanged)
        self._cursor = self.feed.cursor()
        self._fresh_until = time.monotonic() + STALE_S
        self._thread = threading.Thread(target=self._loop, name="deletion-feed", daemon=True)
        self._thread.start()
        return self

    def _on_media(self, event: MediaChanged) -> None:
        if event.deleted:
            self.forget(event.media_file_id)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.poll()
            except Exception:
                log.warning("reading the deletion feed failed; checking requests", exc_info=True)

    def poll(self) -> None:
        started = time.monotonic()
        news = self.feed.since(self._cursor)
        with self._lock:
            if news.behind:
                self._live.clear()
            self._cursor = news.cursor
            for media_id in news.media_ids - self._gone:
                self._gone.add(media_id)
                self._live.pop(media_id, None)
        self._fresh_until = started + STALE_S

    # Asking -------------------------------------------------------------------------

    @property
    def fresh(self) -> bool:
        return time.monotonic() < self._fresh_until

    def is_gone(self, media_id: str) -> bool:
        """The hot path's check for a path it has served before."""
        return media_id in self._gone or not self.fresh

    def status(self, media_id: str) -> bool | None:
        """True: live; False: deleted; None: unknown, ask :meth:`lookup` (blocking)."""
        if media_id in self._gone:
            return False
        if media_id in self._live and self.fresh:
            return True
        return None

    def lookup(self, media_id: str) -> str | None:
        """The original's key while live, from the cache or the database (blocking)."""
        if media_id in self._gone:
            return None
        if self.fresh:
            key = self._live.get(media_id)
            if key is not None:
                return key
        key = self.feed.live_original(media_id)
        if key is None:
            return None  # not remembered: unknown ids must not grow the set
        with self._lock:
            if media_id not in self._gone:  # a tombstone that arrived meanwhile wins
                if len(self._live) >= LIVE_CACHE:
                    self._live.clear()
                self._live[media_id] = key
        return key

    def forget(self, media_id: str) -> None:
        """Deleted by this process: stop at once, without waiting for the next poll."""
        with self._lock:
            self._gone.add(media_id)
            self._live.pop(media_id, None)
