"""Sidecar subtitles in library folders, after a video's intake.

A new video's sidecar subtitles (``Name.en.srt``, ``Name.fr.forced.ass``, ``Name.vtt``)
are recorded with it (``FolderIntakeService.settle``). Later, a scan reports the text
subtitle files that appeared, changed or went away (stat'ed like NFOs and sidecar
pictures, so a rescan with nothing changed reads none), and the videos renamed in
place; ``refresh`` finds the known videos they belong to and has
``TrackService.sync_sidecars`` make each video's sidecar subtitle rows what is on disk,
with one ``subtitles`` job that updates its HLS without re-encoding the video. The
library folder itself is only read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from mediadesk.domain.enums import MediaKind
from mediadesk.domain.folders import VIDEO_EXTENSIONS, extension
from mediadesk.engine.subtitle_files import parse_name
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile
from mediadesk.services.tracks import SidecarChanges, TrackService

log = logging.getLogger(__name__)

_CHUNK = 500  # SQLite's bound-parameter limit is far above; keeps statements small


class FolderSubtitles:
    def __init__(self, db: Database, tracks: TrackService) -> None:
        self.db = db
        self.tracks = tracks

    def refresh(self, paths: Iterable[Path]) -> list[SidecarChanges]:
        """``paths``: subtitle files that appeared, changed or went away, and videos that
        took a new name; what changed for each video concerned."""
        videos: set[Path] = set()
        by_dir: dict[Path, list[str]] = {}
        for path in paths:
            path = Path(path)
            if extension(path.name) in VIDEO_EXTENSIONS:
                videos.add(path)
            else:
                by_dir.setdefault(path.parent, []).append(path.name)
        for directory, names in by_dir.items():
            videos.update(_videos_for(directory, names))
        changes = []
        for media_id, video in self._known(videos):
            changed = self.tracks.sync_sidecars(media_id, video)
            if changed is not None:
                changes.append(changed)
        return changes

    def _known(self, videos: set[Path]) -> list[tuple[str, Path]]:
        """The library's present, read videos at these paths."""
        wanted = sorted(str(v) for v in videos)
        found: list[tuple[str, Path]] = []
        with self.db.read() as s:
            for start in range(0, len(wanted), _CHUNK):
                rows = s.execute(
                    select(MediaFile.id, MediaFile.original_path).where(
                        MediaFile.original_path.in_(wanted[start : start + _CHUNK]),
                        MediaFile.kind == MediaKind.VIDEO,
                        MediaFile.deleted_at.is_(None),
                        MediaFile.missing_since.is_(None),
                        MediaFile.sha256.is_not(None),
                    )
                ).all()
                found.extend((media_id, Path(path)) for media_id, path in rows if path)
        return found


def _videos_for(directory: Path, subtitles: list[str]) -> list[Path]:
    """The videos in ``directory`` that any of ``subtitles`` is named after (the
    subtitle may be gone: the video still is)."""
    try:
        names = [p.name for p in directory.iterdir()]
    except OSError:
        return []  # the folder went away: its videos are missing, their rows kept
    out = []
    for name in names:
        if extension(name) not in VIDEO_EXTENSIONS:
            continue
        stem = name.rsplit(".", 1)[0]
        if any(parse_name(stem, sub) is not None for sub in subtitles):
            out.append(directory / name)
    return out
