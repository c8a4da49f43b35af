"""Library folders: what a folder holds, which files in it are media, and why not.

Pure rules every layer shares (the scan, the watcher, the CLI and the GUI's words).
A file is judged by its name first (no I/O), so a rescan of a large tree costs one
``stat`` per file; only a media-looking file is ever opened, by the hashing job.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath

from mediadesk.domain.enums import MediaKind
from mediadesk.domain.kodi import NFO_EXTENSION


class FolderKind(StrEnum):
    MOVIES = "movies"
    SERIES = "series"
    MIXED = "mixed"


class HealthState(StrEnum):
    HEALTHY = "HEALTHY"
    DAMAGED = "DAMAGED"


class SkipReason(StrEnum):
    """Why a file in a library folder is not a media file of the library."""

    NOT_MEDIA = "not_media"  # .txt, anything whose name says it is not media
    NFO = "nfo"  # movie.nfo, tvshow.nfo, <episode>.nfo: details for the catalogue
    PARTIAL = "partial"  # .part, .crdownload...: a download still on its way
    SAMPLE = "sample"  # a short clip in a Sample/ folder
    SUBTITLES = "subtitles"  # sidecar subtitles (recorded with their video, not alone)
    ARTWORK = "artwork"  # poster.jpg, fanart.jpg...: pictures for the catalogue
    HIDDEN = "hidden"  # dot files, system folders
    LINK = "link"  # symbolic links are not followed
    DUPLICATE = "duplicate"  # the same content is already in the library
    UNREADABLE = "unreadable"  # the content is not media ffmpeg can read (said why)
    REMOVED = "removed"  # the user removed it from the library (the file stays)


SKIP_WORDS = {
    SkipReason.NOT_MEDIA: "Not a media file",
    SkipReason.NFO: "Details (NFO), read for the catalogue",
    SkipReason.PARTIAL: "Still downloading",
    SkipReason.SAMPLE: "Sample clip",
    SkipReason.SUBTITLES: "Subtitles (kept with their video)",
    SkipReason.ARTWORK: "Artwork",
    SkipReason.HIDDEN: "Hidden file",
    SkipReason.LINK: "Symbolic link (not followed)",
    SkipReason.DUPLICATE: "Already in the library",
    SkipReason.UNREADABLE: "Not readable as media",
    SkipReason.REMOVED: "Removed from the library",
}

HEALTH_WORDS = {HealthState.HEALTHY: "Healthy", HealthState.DAMAGED: "Damaged"}

VIDEO_EXTENSIONS = frozenset(
    [
        "mkv",
        "mp4",
        "m4v",
        "avi",
        "mov",
        "wmv",
        "ts",
        "m2ts",
        "mts",
        "webm",
        "mpg",
        "mpeg",
        "vob",
        "flv",
        "ogv",
        "3gp",
        "divx",
    ]
)
AUDIO_EXTENSIONS = frozenset(
    ["mp3", "flac", "m4a", "aac", "ogg", "oga", "opus", "wav", "wma", "aiff", "aif", "mka"]
)
IMAGE_EXTENSIONS = frozenset(["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic"])
SUBTITLE_EXTENSIONS = frozenset(["srt", "ass", "ssa", "vtt", "sub", "idx", "sup"])
# The sidecar subtitles that become WebVTT renditions (picture subtitles do not).
TEXT_SUBTITLE_EXTENSIONS = frozenset(["srt", "ass", "ssa", "vtt"])
PARTIAL_EXTENSIONS = frozenset(["part", "crdownload", "partial", "download", "tmp", "!qb", "!ut"])

# Pictures Kodi and Jellyfin keep beside the media (never media of their own).
ARTWORK_STEMS = frozenset(
    [
        "poster",
        "folder",
        "cover",
        "front",  # an album's front cover (music rips)
        "fanart",
        "backdrop",
        "banner",
        "thumb",
        "landscape",
        "clearlogo",
        "clearart",
        "logo",
        "disc",
        "discart",
        "keyart",
    ]
)
ARTWORK_SUFFIXES = tuple(f"-{stem}" for stem in ARTWORK_STEMS)

# Folders a NAS or an OS keeps for itself.
SYSTEM_DIRS = frozenset({"@eadir", "#recycle", "$recycle.bin", "lost+found", ".trash", "#snapshot"})

SAMPLE_DIRS = frozenset({"sample", "samples"})
SAMPLE_MAX_SECONDS = 30.0


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def media_kind_of(name: str) -> MediaKind | None:
    """The kind a file name promises (the probe decides for good), or ``None``."""
    ext = extension(name)
    if ext in VIDEO_EXTENSIONS:
        return MediaKind.VIDEO
    if ext in AUDIO_EXTENSIONS:
        return MediaKind.AUDIO
    if ext in IMAGE_EXTENSIONS:
        return MediaKind.IMAGE
    return None


def is_artwork_name(name: str) -> bool:
    stem = name.rsplit(".", 1)[0].lower()
    if stem in ARTWORK_STEMS or stem.endswith(ARTWORK_SUFFIXES):
        return True
    # season01-poster.jpg, season-specials-poster.jpg, season-all-banner.jpg
    return stem.startswith("season") and "-" in stem


def skip_by_name(rel_path: str, kind: FolderKind) -> SkipReason | None:
    """Why a file is not media judging by its path alone; ``None``: look inside."""
    name = rel_path.rsplit("/", 1)[-1]
    if name.startswith("."):
        return SkipReason.HIDDEN
    ext = extension(name)
    if ext in PARTIAL_EXTENSIONS:
        return SkipReason.PARTIAL
    if ext in SUBTITLE_EXTENSIONS:
        return SkipReason.SUBTITLES
    if ext == NFO_EXTENSION:
        return SkipReason.NFO
    found = media_kind_of(name)
    if found is None:
        return SkipReason.NOT_MEDIA
    if found == MediaKind.IMAGE and (kind != FolderKind.MIXED or is_artwork_name(name)):
        # In a movies or series folder every picture belongs to the catalogue.
        return SkipReason.ARTWORK
    return None


def skip_dir(name: str) -> bool:
    """Folders never walked: hidden ones and those a NAS keeps for itself."""
    return name.startswith(".") or name.lower() in SYSTEM_DIRS


def in_sample_dir(rel_path: str) -> bool:
    parts = PurePosixPath(rel_path).parts[:-1]
    return any(p.lower() in SAMPLE_DIRS for p in parts)


def is_sample(rel_path: str, duration_s: float | None) -> bool:
    """A short clip in a ``Sample/`` folder (release groups ship one beside the film)."""
    return in_sample_dir(rel_path) and duration_s is not None and duration_s < SAMPLE_MAX_SECONDS
