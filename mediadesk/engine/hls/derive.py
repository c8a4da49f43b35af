"""Reading a published ladder back, to derive the preview and trickplay from it (pure).

The preview used to re-encode the first 30 s of the source and trickplay decoded the
whole source again: together half again the cost of the ladder itself. Both can be
had from what the ladder already made: the preview is the first segments of one rung
(and of the default audio), copied as they are; trickplay decodes the smallest rung,
keyframes only, instead of the full-size source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mediadesk.engine.hls.playlist import MediaPlaylist, parse_media_playlist

_ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


@dataclass(frozen=True)
class PublishedVariant:
    uri: str  # relative to the master: "360p/index.m3u8"
    width: int
    height: int
    frame_rate: float | None = None


@dataclass(frozen=True)
class PublishedLadder:
    variants: tuple[PublishedVariant, ...]
    audio_uri: str | None  # the default audio rendition's playlist, if any

    @property
    def smallest(self) -> PublishedVariant:
        return min(self.variants, key=lambda v: v.width * v.height)

    def fitting(self, width: int, height: int) -> PublishedVariant:
        """The largest variant inside a ``width`` x ``height`` box (turned for portrait),
        else the smallest."""
        fits = [
            v
            for v in self.variants
            if max(v.width, v.height) <= max(width, height)
            and min(v.width, v.height) <= min(width, height)
        ]
        if not fits:
            return self.smallest
        return max(fits, key=lambda v: v.width * v.height)


def attributes(text: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in _ATTR.findall(text)}


def _plain(uri: str) -> bool:
    # Only our own layout: "name/index.m3u8", nothing that climbs or is absolute.
    parts = uri.split("/")
    return len(parts) == 2 and all(p and not p.startswith(".") for p in parts)


def parse_master(text: str) -> PublishedLadder | None:
    """The video variants and the default audio of a master we wrote; None when it
    names anything else (it is then not ours to derive from)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    variants: list[PublishedVariant] = []
    audio: str | None = None
    first_audio: str | None = None
    for i, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:") and i + 1 < len(lines):
            attrs = attributes(line.split(":", 1)[1])
            size = attrs.get("RESOLUTION", "")
            uri = lines[i + 1]
            if "x" not in size or not _plain(uri) or attrs.get("VIDEO-RANGE") in ("PQ", "HLG"):
                continue  # HDR rungs: the preview and trickplay are SDR
            w, _, h = size.partition("x")
            if w.isdigit() and h.isdigit():
                rate = attrs.get("FRAME-RATE")
                fps = float(rate) if rate and rate.replace(".", "", 1).isdigit() else None
                variants.append(PublishedVariant(uri, int(w), int(h), fps))
        elif line.startswith("#EXT-X-MEDIA:"):
            attrs = attributes(line.split(":", 1)[1])
            uri = attrs.get("URI", "")
            if attrs.get("TYPE") != "AUDIO" or not _plain(uri):
                continue
            first_audio = first_audio or uri
            if attrs.get("DEFAULT") == "YES" and audio is None:
                audio = uri
    if not variants:
        return None
    return PublishedLadder(tuple(variants), audio or first_audio)


def first_segments(playlist: MediaPlaylist, max_s: float | None) -> int:
    """How many leading segments make up ``max_s`` seconds (all when None)."""
    if max_s is None:
        return len(playlist.segments)
    total = 0.0
    for i, segment in enumerate(playlist.segments):
        if total >= max_s - 0.05:
            return i
        total += segment.duration
    return len(playlist.segments)


def truncated(text: str, count: int, name: str = "playlist") -> str:
    """The media playlist ``text`` cut after its first ``count`` segments (still VOD,
    still ended), every other line kept as it was."""
    parse_media_playlist(text, name)  # refuse what is not a complete media playlist
    out: list[str] = []
    seen = 0
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "#EXT-X-ENDLIST":
            continue
        if stripped and not stripped.startswith("#"):
            seen += 1
            out.append(line)
            if seen == count:
                break
            continue
        out.append(line)
    out.append("#EXT-X-ENDLIST")
    return "\n".join(out) + "\n"
