"""Bytes moved over time: the rate over a sliding window, percent done and ETA.

Used by jobs that copy or download (their progress is bytes, not media time) and by
the download guard's minimum-rate rule. Thread-safe: one thread moves the bytes,
another (the guard, the monitor) reads the rate.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

# Samples closer together than this are merged: a fast copy reports thousands of
# chunks a second and the window only needs a few points per second.
SAMPLE_S = 0.05


class TransferMeter:
    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self.started = clock()
        self.done = 0
        self.total: int | None = None
        self._samples: deque[tuple[float, int]] = deque([(self.started, 0)])
        self._lock = threading.Lock()

    def update(self, done: int, total: int | None = None) -> None:
        now = self._clock()
        with self._lock:
            self.done = done
            if total is not None:
                self.total = total
            if len(self._samples) > 1 and now - self._samples[-2][0] < SAMPLE_S:
                self._samples[-1] = (now, done)
            else:
                self._samples.append((now, done))
            self._trim(now)

    def _trim(self, now: float) -> None:
        # Keep one sample at or before the window's start, so the window is never short.
        while len(self._samples) > 1 and self._samples[1][0] <= now - self.window_s:
            self._samples.popleft()

    @property
    def elapsed(self) -> float:
        return self._clock() - self.started

    def moved_in_window(self) -> int:
        """Bytes moved in (at least) the last ``window_s`` seconds."""
        with self._lock:
            self._trim(self._clock())
            return self.done - self._samples[0][1]

    def rate(self) -> float | None:
        """Bytes per second over the window; ``None`` before there is anything to say."""
        now = self._clock()
        with self._lock:
            self._trim(now)
            since, base = self._samples[0]
            span = now - since
            moved = self.done - base
        if span <= 0 or moved <= 0:
            return None
        return moved / span

    @property
    def percent(self) -> float | None:
        if not self.total:
            return None
        return min(100.0, 100.0 * self.done / self.total)

    def eta_s(self) -> float | None:
        rate = self.rate()
        if self.total is None or not rate:
            return None
        return max(0.0, (self.total - self.done) / rate)
