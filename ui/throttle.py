"""Coalescing bursts of events into at most one refresh per interval.

A throttle, not a debounce: under a steady stream of events (a job retrying every
few hundred milliseconds) a debounce would never fire; this fires ``interval_ms``
after the first event of a burst, then again for anything that came after.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, interval_ms: int, fn: Callable[[], object], parent: QObject) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(fn)

    def poke(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def cancel(self) -> None:
        self._timer.stop()
