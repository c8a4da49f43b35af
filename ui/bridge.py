"""The one QObject that hears the core's event bus and re-emits Qt signals.

Bus handlers run in whatever thread published (a worker, the monitor, an import); a
signal emitted there reaches slots of GUI objects through Qt's queued connections, so
every slot runs on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from mediadesk.events import (
    CatalogueChanged,
    EventBus,
    JobEnqueued,
    JobProgress,
    JobStateChanged,
    MediaChanged,
    PlaybackChanged,
)


class CoreBridge(QObject):
    jobEnqueued = Signal(object)  # JobEnqueued
    jobProgress = Signal(object)  # JobProgress
    jobStateChanged = Signal(object)  # JobStateChanged
    mediaChanged = Signal(object)  # MediaChanged
    catalogueChanged = Signal()
    playbackChanged = Signal(object)  # PlaybackChanged

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: list[Callable[[], None]] = [
            bus.subscribe(self.jobEnqueued.emit, JobEnqueued),
            bus.subscribe(self.jobProgress.emit, JobProgress),
            bus.subscribe(self.jobStateChanged.emit, JobStateChanged),
            bus.subscribe(self.mediaChanged.emit, MediaChanged),
            bus.subscribe(lambda _e: self.catalogueChanged.emit(), CatalogueChanged),
            bus.subscribe(self.playbackChanged.emit, PlaybackChanged),
        ]

    def close(self) -> None:
        """Stop listening (before the runtime stops, so no event lands on a dead object)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
