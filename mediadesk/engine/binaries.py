"""Find ffmpeg and ffprobe once and learn what they can do (cached per path)."""

from __future__ import annotations

import functools
import re
import shutil
from dataclasses import dataclass

from mediadesk.engine.process import run_process
from mediadesk.errors import ConfigError


@dataclass(frozen=True)
class FFmpegInfo:
    ffmpeg: str
    ffprobe: str
    version: str
    encoders: frozenset[str]
    filters: frozenset[str]

    def has_encoder(self, name: str) -> bool:
        return name in self.encoders


def _which(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise ConfigError(
            f"{name!r} was not found; install ffmpeg (Debian: apt-get install ffmpeg) "
            "or set ffmpeg_path/ffprobe_path"
        )
    return found


def _listing(ffmpeg: str, what: str) -> frozenset[str]:
    result = run_process([ffmpeg, "-hide_banner", f"-{what}"], capture_stdout=True, timeout=30)
    names = set()
    for line in (result.stdout or b"").decode("utf-8", "replace").splitlines():
        # " V....D libx264   libx264 H.264 ..." / " T.. scale   V->V   Scale ..."
        match = re.match(r"^\s*[A-Z.|]{3,6}\s+(\S+)\s", line)
        if match and match.group(1) != "=":
            names.add(match.group(1))
    return frozenset(names)


@functools.lru_cache(maxsize=8)
def ffmpeg_info(ffmpeg_path: str = "ffmpeg", ffprobe_path: str = "ffprobe") -> FFmpegInfo:
    ffmpeg, ffprobe = _which(ffmpeg_path), _which(ffprobe_path)
    result = run_process([ffmpeg, "-hide_banner", "-version"], capture_stdout=True, timeout=30)
    first = (result.stdout or b"").decode("utf-8", "replace").splitlines()
    version = first[0].split()[2] if first and len(first[0].split()) > 2 else "unknown"
    return FFmpegInfo(
        ffmpeg=ffmpeg,
        ffprobe=ffprobe,
        version=version,
        encoders=_listing(ffmpeg, "encoders"),
        filters=_listing(ffmpeg, "filters"),
    )
