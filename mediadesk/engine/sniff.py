"""Identify a container from its bytes, before ffmpeg ever sees the file.

ffmpeg probes by content: a text playlist named ``x.mp4`` is opened as HLS and then
reads whatever it names. So we decide the container ourselves from magic numbers,
refuse anything we do not recognise (text, playlists, archives), and later force
``-f <demuxer>`` with a format whitelist of exactly that demuxer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mediadesk.errors import ErrorCode, InvalidInput

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Container:
    demuxer: str  # the ffmpeg -f name
    extension: str  # what originals are stored as
    mime: str


def _c(demuxer: str, ext: str, mime: str) -> Container:
    return Container(demuxer, ext, mime)


MP4 = _c("mov", "mp4", "video/mp4")
MOV = _c("mov", "mov", "video/quicktime")
M4A = _c("mov", "m4a", "audio/mp4")
THREEGP = _c("mov", "3gp", "video/3gpp")
MKV = _c("matroska", "mkv", "video/x-matroska")
WEBM = _c("matroska", "webm", "video/webm")
AVI = _c("avi", "avi", "video/x-msvideo")
WAV = _c("wav", "wav", "audio/wav")
WEBP = _c("webp_pipe", "webp", "image/webp")
OGG = _c("ogg", "ogg", "audio/ogg")
FLAC = _c("flac", "flac", "audio/flac")
MP3 = _c("mp3", "mp3", "audio/mpeg")
AAC = _c("aac", "aac", "audio/aac")
AIFF = _c("aiff", "aiff", "audio/aiff")
CAF = _c("caf", "caf", "audio/x-caf")
FLV = _c("flv", "flv", "video/x-flv")
MPEGTS = _c("mpegts", "ts", "video/mp2t")
MPEGPS = _c("mpeg", "mpg", "video/mpeg")
ASF = _c("asf", "wmv", "video/x-ms-asf")
MXF = _c("mxf", "mxf", "application/mxf")
JPEG = _c("jpeg_pipe", "jpg", "image/jpeg")
PNG = _c("png_pipe", "png", "image/png")
GIF = _c("gif", "gif", "image/gif")
BMP = _c("bmp_pipe", "bmp", "image/bmp")
TIFF = _c("tiff_pipe", "tif", "image/tiff")

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
_MOV_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff(path: Path) -> Container:
    """The container of ``path``, or :class:`InvalidInput` with a clear reason."""
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(f"{path.name}: the file is empty", code=ErrorCode.EMPTY_FILE)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    found = identify(head)
    if found is None:
        raise InvalidInput(
            f"{path.name}: not a media file MediaDesk can read ({describe(head)})",
            code=ErrorCode.UNSUPPORTED_MEDIA,
        )
    return found


def identify(head: bytes) -> Container | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return None  # HEIF/AVIF stills: ffmpeg 5.1 cannot decode them
        if brand == b"qt  ":
            return MOV
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return M4A
        if brand.startswith(b"3g"):
            return THREEGP
        return MP4
    if len(head) >= 8 and head[4:8] in _MOV_ATOMS:
        return MOV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:64] else MKV
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"AVI ": AVI, b"WAVE": WAV, b"WEBP": WEBP}.get(head[8:12])
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return AIFF
    simple = _by_prefix(head)
    if simple is not None:
        return simple
    if _is_mpegts(head):
        return MPEGTS
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:
            return AAC  # ADTS
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0:
            return MP3  # MPEG audio frame sync, layer I-III
    return None


_PREFIXES: list[tuple[bytes, Container]] = [
    (b"OggS", OGG),
    (b"fLaC", FLAC),
    (b"ID3", MP3),
    (b"caff", CAF),
    (b"FLV\x01", FLV),
    (b"\x00\x00\x01\xba", MPEGPS),
    (bytes.fromhex("3026b2758e66cf11"), ASF),
    (bytes.fromhex("060e2b34020501010d01020101"), MXF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
]


def _by_prefix(head: bytes) -> Container | None:
    for prefix, container in _PREFIXES:
        if head.startswith(prefix):
            return container
    if head.startswith(b"BM") and len(head) >= 26 and head[14] in (12, 40, 52, 56, 108, 124):
        return BMP
    return None


def _is_mpegts(head: bytes) -> bool:
    for packet, offset in ((188, 0), (192, 4), (204, 0)):
        positions = [offset + i * packet for i in range(5)]
        if positions[-1] < len(head) and all(head[p] == 0x47 for p in positions):
            return True
    return False


def describe(head: bytes) -> str:
    sample = head[:512]
    if sample.lstrip().startswith(b"#EXTM3U"):
        return "it is an HLS playlist, which MediaDesk never opens from an upload"
    if sample.startswith((b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")):
        return "it is an archive"
    if sample.startswith(b"%PDF"):
        return "it is a PDF document"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return "unrecognised binary data"
    return "it looks like text"
