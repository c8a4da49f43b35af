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

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from mediadesk.domain.enums import MediaKind
from mediadesk.domain.folders import VIDEO_EXTENSIONS, extension
from mediadesk.engine.subtitle_files import sidecar_name
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile
from mediadesk.services.tracks import SidecarChanges, TrackService


class FolderSubtitles:
    def __init__(self, db: Database, tracks: TrackService) -> None:
        self.db = db
        self.tracks = tracks

    def refresh(self, paths: Iterable[Path]) -> list[SidecarChanges]:
        """``paths``: subtitle files that appeared, changed or went away, and videos that
        took a new name; what changed for each video concerned."""
        paths = [Path(p) for p in paths]
        named = {p for p in paths if extension(p.name) in VIDEO_EXTENSIONS}
        by_dir: dict[Path, list[str]] = {}
        for path in paths:
            if path not in named:
                by_dir.setdefault(path.parent, []).append(path.name)
        videos: dict[Path, str] = {}
        # The library's present, read videos, grouped by folder (one query; nothing on
        # disk is listed): a first scan, whose videos are not read yet, finds none.
        for media_id, video in self._known_videos():
            subtitles = by_dir.get(video.parent)
            stem = video.name.rsplit(".", 1)[0]
            if video in named or (
                subtitles and any(sidecar_name(stem, sub) is not None for sub in subtitles)
            ):
                videos[video] = media_id
        changes = []
        for video, media_id in sorted(videos.items()):
            changed = self.tracks.sync_sidecars(media_id, video)
            if changed is not None:
                changes.append(changed)
        return changes

    def _known_videos(self) -> list[tuple[str, Path]]:
        with self.db.read() as s:
            rows = s.execute(
                select(MediaFile.id, MediaFile.original_path).where(
                    MediaFile.original_path.is_not(None),
                    MediaFile.kind == MediaKind.VIDEO,
                    MediaFile.deleted_at.is_(None),
                    MediaFile.missing_since.is_(None),
                    MediaFile.sha256.is_not(None),
                )
            ).all()
        return [(media_id, Path(path)) for media_id, path in rows if path]
