"""A small, thread-safe bus of typed events.

The core publishes from whatever thread did the work; subscribers are called in that
thread and must be quick. The GUI subscribes through exactly one QObject that re-emits
events as Qt signals, which Qt delivers on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of everything published on the bus; subscribers pick subclasses."""


@dataclass(frozen=True)
class JobEnqueued(Event):
    job_id: str
    job_type: str
    media_file_id: str | None


@dataclass(frozen=True)
class JobProgress(Event):
    job_id: str
    percent: float | None
    eta_s: float | None
    speed: float | None
    done: int | None = None  # bytes, for jobs that copy or download
    total: int | None = None
    attempt: int | None = None  # which attempt: a replay's 0% is not the last run's 90%


@dataclass(frozen=True)
class JobStateChanged(Event):
    job_id: str
    job_type: str
    media_file_id: str | None
    status: str
    error_code: str | None = None
    error_message: str | None = None


@dataclass(frozen=True)
class MediaChanged(Event):
    media_file_id: str
    status: str | None = None
    deleted: bool = False


@dataclass(frozen=True)
class CatalogueChanged(Event):
    """Movies, series, seasons or episodes were created, changed or removed."""


@dataclass(frozen=True)
class PlaybackChanged(Event):
    """Where a profile stopped in a media file, or its watched flag, changed."""

    media_file_id: str
    position_s: float
    watched: bool


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


class EventBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handlers: list[tuple[type[Event], Handler]] = []

    def subscribe(self, handler: Callable[[E], None], event_type: type[E]) -> Callable[[], None]:
        """Call ``handler`` for every event of ``event_type``; returns the unsubscriber."""
        entry: tuple[type[Event], Handler] = (event_type, handler)
        with self._lock:
            self._handlers.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._handlers:
                    self._handlers.remove(entry)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            handlers = [h for t, h in self._handlers if isinstance(event, t)]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                # One broken subscriber must not break the worker that published.
                log.exception("event handler failed for %r", event)
