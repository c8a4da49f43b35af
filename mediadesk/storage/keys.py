"""The one storage layout. The database stores these keys, never bytes or paths."""

from __future__ import annotations

import posixpath
import re

from mediadesk.errors import InvalidInput

_SAFE_EXT = re.compile(r"^[a-z0-9]{1,8}$")


def validate_key(key: str) -> str:
    """Reject anything that could escape the storage root or read as something else."""
    if (
        not key
        or "\x00" in key
        or "\\" in key
        or key.startswith("/")
        or posixpath.normpath(key) != key
        or key.split("/")[0] in ("..", ".")
        or any(part in ("", ".", "..") for part in key.split("/"))
    ):
        raise InvalidInput(f"invalid storage key {key!r}")
    return key


def safe_extension(ext: str) -> str:
    ext = ext.lower().lstrip(".")
    return ext if _SAFE_EXT.match(ext) else "bin"


def original(media_id: str, ext: str) -> str:
    return f"originals/{media_id}.{safe_extension(ext)}"


def hls_dir(media_id: str) -> str:
    return f"hls/{media_id}"


def hls_master(media_id: str) -> str:
    return f"hls/{media_id}/master.m3u8"


# Jobs that rewrite ``hls/{id}/master.m3u8`` whole name this resource: one at a time.
MASTER_WRITERS = "hls_master"


def leaf(key: str) -> str:
    """The last component of a key: ``hls/ab/preview`` -> ``preview``."""
    return key.rstrip("/").rsplit("/", 1)[-1]


def preview_dir(media_id: str) -> str:
    return f"hls/{media_id}/preview"


def thumbnails_dir(media_id: str) -> str:
    return f"thumbnails/{media_id}"


def hls_images_dir(media_id: str) -> str:
    """Trickplay sheets as an HLS image rendition, beside the ladder (same signed scope)."""
    return f"hls/{media_id}/thumbs"


def trickplay_dir(media_id: str) -> str:
    return f"trickplay/{media_id}"


def waveform_dir(media_id: str) -> str:
    return f"waveforms/{media_id}"


def images_dir(media_id: str) -> str:
    return f"images/{media_id}"


def subtitles_dir(media_id: str) -> str:
    return f"subtitles/{media_id}"


def subtitle_file(media_id: str, subtitle_id: str, ext: str) -> str:
    return f"{subtitles_dir(media_id)}/{subtitle_id}.{safe_extension(ext)}"


def job_logs_root(job_id: str) -> str:
    return f"logs/{job_id}"


def job_logs_prefix(job_id: str, attempt: int) -> str:
    return f"{job_logs_root(job_id)}/{attempt}"


def media_prefixes(media_id: str) -> list[str]:
    """Every prefix that holds something derived from one media file."""
    return [
        hls_dir(media_id),
        thumbnails_dir(media_id),
        trickplay_dir(media_id),
        waveform_dir(media_id),
        images_dir(media_id),
        subtitles_dir(media_id),
    ]
