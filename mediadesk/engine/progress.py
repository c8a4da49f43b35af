"""Parse ffmpeg's ``-progress`` key=value stream into percent and ETA."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    out_time_s: float
    percent: float | None
    speed: float | None
    eta_s: float | None
    done: bool = False


class ProgressParser:
    """Feed it lines; every ``progress=`` line closes a block and yields a Progress."""

    def __init__(self, expected_duration: float | None) -> None:
        self.expected = expected_duration if expected_duration and expected_duration > 0 else None
        self._block: dict[str, str] = {}
        self._started = time.monotonic()

    def feed(self, line: str) -> Progress | None:
        key, sep, value = line.strip().partition("=")
        if not sep:
            return None
        self._block[key] = value.strip()
        if key != "progress":
            return None
        block, self._block = self._block, {}
        return self._make(block, done=value.strip() == "end")

    def _make(self, block: dict[str, str], done: bool) -> Progress:
        out_time = _microseconds(block.get("out_time_us")) or _microseconds(
            block.get("out_time_ms")  # ffmpeg has always reported microseconds here too
        )
        speed = _speed(block.get("speed"))
        percent = eta = None
        if self.expected:
            percent = 100.0 if done else max(0.0, min(99.9, 100.0 * out_time / self.expected))
            remaining = max(0.0, self.expected - out_time)
            if done:
                eta = 0.0
            elif speed:
                eta = remaining / speed
            elif out_time > 0:
                elapsed = time.monotonic() - self._started
                eta = remaining * elapsed / out_time
        return Progress(out_time_s=out_time, percent=percent, speed=speed, eta_s=eta, done=done)


def _microseconds(text: str | None) -> float:
    if not text or text == "N/A":
        return 0.0
    try:
        return max(0.0, int(text) / 1_000_000)
    except ValueError:
        return 0.0


def _speed(text: str | None) -> float | None:
    if not text or text == "N/A":
        return None
    try:
        value = float(text.rstrip("x"))
    except ValueError:
        return None
    return value if value > 0 else None
