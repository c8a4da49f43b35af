"""Short human strings for numbers the views show."""

from __future__ import annotations

# The CLI's wording, so a size or a duration reads the same in the terminal and the app.
from mediadesk.cli.output import human_duration as duration
from mediadesk.cli.output import human_size as size

__all__ = [
    "clock",
    "duration",
    "eta",
    "percent",
    "resolution",
    "size",
    "took",
]


def clock(seconds: float | None) -> str:
    """Player time: 0:07 / 1:02:03, with tenths hidden."""
    return duration(max(0.0, seconds or 0.0))


def resolution(width: int | None, height: int | None) -> str:
    return f"{width}x{height}" if width and height else ""


def eta(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    if seconds < 60:
        return f"{seconds:.0f}s"
    return duration(seconds)


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%"


def took(seconds: float) -> str:
    return f"{seconds:.1f}s" if seconds < 60 else duration(seconds)
