"""Reading the media playlists we produced, strictly, and patching what ffmpeg 5.1 omits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mediadesk.errors import ErrorCode, VerificationFailed

INDEPENDENT = "#EXT-X-INDEPENDENT-SEGMENTS"
_URI = re.compile(r"^[A-Za-z0-9_.-]+$")
_MAP = re.compile(r'^#EXT-X-MAP:URI="([^"]+)"')


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float


@dataclass(frozen=True)
class MediaPlaylist:
    version: int | None
    target_duration: int
    segments: tuple[Segment, ...]
    init_uri: str | None
    independent: bool
    vod: bool
    ended: bool

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.segments)


def _invalid(name: str, why: str) -> VerificationFailed:
    return VerificationFailed(f"{name}: {why}", code=ErrorCode.PLAYLIST_INVALID)


def _relative(uri: str, name: str) -> str:
    # Our playlists only ever name files beside them; anything else is a defect.
    if not _URI.match(uri) or uri.startswith(".") or uri.startswith("-"):
        raise _invalid(name, f"names {uri!r}, which is not a plain file beside it")
    return uri


def parse_media_playlist(text: str, name: str = "playlist") -> MediaPlaylist:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines or lines[0] != "#EXTM3U":
        raise _invalid(name, "does not start with #EXTM3U")
    version = target = None
    init = None
    independent = vod = ended = False
    segments: list[Segment] = []
    pending: float | None = None
    for line in lines[1:]:
        if line.startswith("#EXTINF:"):
            try:
                pending = float(line[len("#EXTINF:") :].split(",", 1)[0])
            except ValueError:
                raise _invalid(name, f"bad duration in {line!r}") from None
            if pending < 0:
                raise _invalid(name, f"negative duration in {line!r}")
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            target = _int(line, name)
        elif line.startswith("#EXT-X-VERSION:"):
            version = _int(line, name)
        elif line.startswith("#EXT-X-MAP:"):
            match = _MAP.match(line)
            if not match:
                raise _invalid(name, f"bad {line!r}")
            init = _relative(match.group(1), name)
        elif line == INDEPENDENT:
            independent = True
        elif line == "#EXT-X-PLAYLIST-TYPE:VOD":
            vod = True
        elif line == "#EXT-X-ENDLIST":
            ended = True
        elif line.startswith("#EXT-X-STREAM-INF"):
            raise _invalid(name, "is a master playlist, expected a media playlist")
        elif not line.startswith("#"):
            if pending is None:
                raise _invalid(name, f"segment {line!r} has no #EXTINF")
            segments.append(Segment(_relative(line, name), pending))
            pending = None
    if target is None:
        raise _invalid(name, "has no #EXT-X-TARGETDURATION")
    if not segments:
        raise _invalid(name, "lists no segments")
    if not ended:
        raise _invalid(name, "has no #EXT-X-ENDLIST (incomplete)")
    return MediaPlaylist(version, target, tuple(segments), init, independent, vod, ended)


def _int(line: str, name: str) -> int:
    try:
        return int(line.split(":", 1)[1])
    except ValueError:
        raise _invalid(name, f"bad {line!r}") from None


def with_independent_segments(text: str) -> str:
    """Add ``#EXT-X-INDEPENDENT-SEGMENTS`` (ffmpeg 5.1 omits it for audio-only renditions).

    Every segment we make starts with a keyframe (audio frames are all independent),
    so the tag is true; without it some players refuse to switch mid-segment.
    """
    lines = text.splitlines()
    if INDEPENDENT in (ln.strip() for ln in lines):
        return text
    at = next((i + 1 for i, ln in enumerate(lines) if ln.startswith("#EXT-X-VERSION")), 1)
    lines.insert(at, INDEPENDENT)
    return "\n".join(lines) + "\n"
