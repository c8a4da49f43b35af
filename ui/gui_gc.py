"""Python's cyclic garbage collector, run on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate: a worker thread
flushing a database row can then free a cycle that holds a Qt widget, and Qt deletes
widgets on the wrong thread (a segfault seen in CI). With automatic collection off,
this timer collects on the GUI thread, when the allocation counts say it is due.

Once the app has started, what it built (modules, widgets, mappers: about 250,000
objects) is frozen out of collection (``gc.freeze``): a full collection walked all of
it, a 200 ms stall of the event loop every few seconds of activity, and it lives as
long as the app anyway.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return

    def keep_startup(self) -> None:
        """The app is up: keep what it built out of every later collection."""
        gc.collect(1)  # the young garbage of starting first; what is left is the app
        gc.freeze()

    def stop(self) -> None:
        """Back to automatic collection (tests that end the application)."""
        self.timer.stop()
        gc.unfreeze()  # a closed window's objects are garbage like any other now
        gc.collect()
        gc.enable()


_installed: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """One collector per application, parented to it."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    gc.disable()
    _installed.timer.start()
    return _installed


def keep_startup() -> None:
    """Called once the app has started and warmed up (see ``GuiThreadCollector``)."""
    if _installed is not None:
        _installed.keep_startup()
