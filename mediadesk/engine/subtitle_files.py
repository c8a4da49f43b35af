"""Subtitle files beside a media file (``Movie.en.srt``, ``Movie.fr.forced.ass``).

Found at import, read once (size-capped, the character set detected: UTF-8 with or
without a BOM, UTF-16 with a BOM, else Windows-1252, which is what most older Western
SRTs are), checked to look like the format their name says, and stored as UTF-8 so
that ffmpeg later reads them with a forced demuxer like any untrusted input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mediadesk.domain.kodi import base_name
from mediadesk.domain.languages import language_tag
from mediadesk.engine.sniff import Container
from mediadesk.errors import ErrorCode, InvalidInput

MAX_BYTES = 5 * 1024 * 1024  # a feature film's SRT is about 100 KB
MAX_FILES = 32

SRT = Container("srt", "srt", "application/x-subrip")
ASS = Container("ass", "ass", "text/x-ssa")
WEBVTT = Container("webvtt", "vtt", "text/vtt")
FORMATS = {"srt": SRT, "ass": ASS, "ssa": ASS, "vtt": WEBVTT}

_FORCED = {"forced", "foreign"}
_SDH = {"sdh", "cc"}  # not "hi": that is Hindi
_SRT_TIMING = re.compile(r"\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")


@dataclass(frozen=True)
class SubtitleName:
    """What a sidecar's name says: ``Movie.pt-BR.sdh.srt`` -> pt-BR, SDH."""

    format: str  # srt, ass, vtt
    language: str | None
    forced: bool
    hearing_impaired: bool


@dataclass(frozen=True)
class SubtitleText:
    name: SubtitleName
    text: str  # decoded
    charset: str


def parse_name(media_stem: str, filename: str) -> SubtitleName | None:
    """Flags between the media file's stem and the extension; None: not its subtitle."""
    path = Path(filename)
    ext = path.suffix.lower().lstrip(".")
    if ext not in FORMATS:
        return None
    stem = path.stem
    if stem != media_stem and not stem.startswith(media_stem + "."):
        return None
    words = [w for w in stem[len(media_stem) :].split(".") if w]
    language = None
    forced = sdh = False
    for word in words:
        lowered = word.lower()
        if lowered in _FORCED:
            forced = True
        elif lowered in _SDH:
            sdh = True
        elif language is None and language_tag(word):
            language = language_tag(word)
    return SubtitleName("ass" if ext == "ssa" else ext, language, forced, sdh)


def sidecar_name(media_stem: str, filename: str) -> SubtitleName | None:
    """``filename`` as a sidecar of the video named ``media_stem``: named after it, or,
    for a version (``Arrival (2016) - 4K``), after the movie (``Arrival (2016).en.srt``),
    which every version then shows."""
    own = parse_name(media_stem, filename)
    base = base_name(media_stem)
    return own if own is not None or base == media_stem else parse_name(base, filename)


def find_sidecars(media: Path) -> list[tuple[Path, SubtitleName]]:
    """Subtitle files beside ``media`` named after it (or, for a version, after its
    movie), in name order. A version's own track wins over the movie's track of the same
    language and kind."""
    own: list[tuple[Path, SubtitleName]] = []
    shared: list[tuple[Path, SubtitleName]] = []
    try:
        entries = sorted(media.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry == media or not entry.is_file() or entry.is_symlink():
            continue
        name = parse_name(media.stem, entry.name)
        if name is not None:
            own.append((entry, name))
        elif (name := sidecar_name(media.stem, entry.name)) is not None:
            shared.append((entry, name))
    kinds = {(n.language, n.forced, n.hearing_impaired) for _, n in own}
    found = own + [
        (f, n) for f, n in shared if (n.language, n.forced, n.hearing_impaired) not in kinds
    ]
    return sorted(found)[:MAX_FILES]


def decode(data: bytes) -> tuple[str, str]:
    """(text, charset name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Five bytes cp1252 leaves undefined: Latin-1 maps every byte.
        return data.decode("latin-1"), "latin-1"


def looks_like(fmt: str, text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if fmt == "vtt":
        return head.startswith("WEBVTT")
    if fmt == "ass":
        return "[script info]" in head.lower() or "[events]" in text.lower()
    return bool(_SRT_TIMING.search(head))


def read_subtitle(path: Path, name: SubtitleName, display: str | None = None) -> SubtitleText:
    """Read and check one subtitle file; :class:`InvalidInput` when it is not one.
    ``display``: the name people gave it (an upload is staged under another)."""
    shown = display or path.name
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(
            f"{shown} is {size // 1024} KB; subtitle files are at most "
            f"{MAX_BYTES // (1024 * 1024)} MB",
            code=ErrorCode.INVALID_MEDIA,
        )
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    text, charset = decode(data)
    text = text.replace("\x00", "")
    if not looks_like(name.format, text):
        raise InvalidInput(
            f"{shown} does not read as a {name.format.upper()} subtitle file",
            code=ErrorCode.INVALID_MEDIA,
        )
    return SubtitleText(name, text, charset)
