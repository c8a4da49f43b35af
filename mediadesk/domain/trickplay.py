"""Trickplay thumbnails described by a WebVTT file (the common ``#xywh=`` form).

Each cue maps a time range to a region of a sprite image::

    00:00:05.000 --> 00:00:10.000
    tiles_001.jpg#xywh=160,0,160,90

Image paths are relative to the VTT file. Players (hls.js front ends, the desktop
seek bar) look the hovered time up with :meth:`TrickplayIndex.at`.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass

_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})$")
_XYWH = re.compile(r"#xywh=(\d+),(\d+),(\d+),(\d+)$")


@dataclass(frozen=True)
class TrickplayCue:
    start: float
    end: float
    image: str  # a path relative to the VTT file's directory, or joined by ``resolve``
    x: int
    y: int
    w: int
    h: int


def _seconds(stamp: str) -> float:
    m = _TIME.match(stamp.strip())
    if m is None:
        raise ValueError(f"not a WebVTT timestamp: {stamp!r}")
    hours, minutes, seconds, millis = m.groups()
    return (
        int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000
    )


def parse_vtt(text: str) -> list[TrickplayCue]:
    """Cues in time order; raises ``ValueError`` for a file that is not WebVTT."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise ValueError("not a WebVTT file")
    cues: list[TrickplayCue] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if "-->" not in line:
            continue
        start_s, end_s = (part.split()[0] for part in line.split("-->", 1))
        payload = lines[i].strip() if i < len(lines) else ""
        i += 1
        m = _XYWH.search(payload)
        if m is None:
            continue
        x, y, w, h = (int(v) for v in m.groups())
        cues.append(
            TrickplayCue(_seconds(start_s), _seconds(end_s), payload[: m.start()], x, y, w, h)
        )
    cues.sort(key=lambda c: c.start)
    return cues


class TrickplayIndex:
    def __init__(self, cues: list[TrickplayCue], base_key: str = "") -> None:
        """``base_key``: the storage key of the directory holding the VTT file."""
        self.cues = cues
        self.base_key = base_key
        self._starts = [c.start for c in cues]

    def at(self, seconds: float) -> TrickplayCue | None:
        if not self.cues:
            return None
        i = bisect.bisect_right(self._starts, seconds) - 1
        return self.cues[max(0, min(i, len(self.cues) - 1))]

    def image_key(self, cue: TrickplayCue) -> str:
        return posixpath.normpath(posixpath.join(self.base_key, cue.image))

    @property
    def images(self) -> list[str]:
        return sorted({c.image for c in self.cues})
