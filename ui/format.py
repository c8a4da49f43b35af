"""Short human strings for numbers the views show."""

from __future__ import annotations


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def clock(seconds: float | None) -> str:
    """Player time: 0:07 / 1:02:03, with tenths hidden."""
    return duration(max(0.0, seconds or 0.0))


def resolution(width: int | None, height: int | None) -> str:
    return f"{width}x{height}" if width and height else ""


def size(n: int | None) -> str:
    if n is None:
        return ""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


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
