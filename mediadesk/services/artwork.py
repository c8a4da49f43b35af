"""Posters and backdrops for movies, series and seasons.

A picture is an image media file, imported like any other (so its WebP variants are
made by the image pipeline, through the job system) and linked by an ``Artwork`` row.
It comes from an image the user picks (a file, or an image already in the library),
from a frame of the entry's media (the player's current frame), or, in the library
folders work, from sidecar files; readers prefer the user's, then the sidecar's, then
the media's own poster frame (see ``catalogue_read.pick_artwork``).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from mediadesk.domain.enums import MediaKind
from mediadesk.errors import ErrorCode, InvalidInput, NotFound, ProcessFailed
from mediadesk.events import CatalogueChanged, EventBus
from mediadesk.library.catalogue_models import Artwork, Movie, Season, Series
from mediadesk.library.db import Database
from mediadesk.library.queries import get_media_row
from mediadesk.services.ingest import IngestService
from mediadesk.storage.base import Storage

ROLES = ("poster", "backdrop")
SOURCES = ("user", "sidecar")
FRAME_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ArtSubject:
    """Which entry a picture is for: ``kind`` is movie, series or season."""

    kind: str
    id: str

    def owner(self) -> dict[str, str]:
        if self.kind not in ("movie", "series", "season"):
            raise InvalidInput("pictures belong to a movie, a series or a season")
        return {f"{self.kind}_id": self.id}


_MODELS: dict[str, type[Movie] | type[Series] | type[Season]] = {
    "movie": Movie,
    "series": Series,
    "season": Season,
}


class ArtworkService:
    def __init__(
        self,
        db: Database,
        bus: EventBus,
        storage: Storage,
        ingest: IngestService,
        ffmpeg: str,
        scratch: Path,
    ) -> None:
        self.db = db
        self.bus = bus
        self.storage = storage
        self.ingest = ingest
        self.ffmpeg = ffmpeg
        self.scratch = scratch

    def set_from_media(
        self, subject: ArtSubject, image_media_id: str, role: str = "poster", source: str = "user"
    ) -> None:
        """Use an image already in the library."""
        if role not in ROLES or source not in SOURCES:
            raise InvalidInput(f"unknown picture role {role!r} or source {source!r}")
        owner = subject.owner()
        with self.db.write() as s:
            if s.get(_MODELS[subject.kind], subject.id) is None:
                raise NotFound(f"no {subject.kind} {subject.id}")
            image = get_media_row(s, image_media_id)
            if image.kind != MediaKind.IMAGE:
                raise InvalidInput(f"{image.original_filename} is not an image")
            column = getattr(Artwork, f"{subject.kind}_id")
            for old in s.scalars(
                select(Artwork).where(
                    column == subject.id, Artwork.role == role, Artwork.source == source
                )
            ):
                s.delete(old)
            s.add(Artwork(role=role, source=source, image_media_id=image.id, **owner))
        self.bus.publish(CatalogueChanged())

    def set_from_file(
        self, subject: ArtSubject, path: Path, role: str = "poster", source: str = "user"
    ) -> str:
        """Import an image file and use it; returns the image's media id."""
        from mediadesk.engine.sniff import sniff

        subject.owner()
        container = sniff(Path(path))
        if not container.mime.startswith("image/"):
            raise InvalidInput(
                f"{Path(path).name} is not an image", code=ErrorCode.UNSUPPORTED_MEDIA
            )
        result = self.ingest.import_path(Path(path))
        self.set_from_media(subject, result.media.id, role, source)
        return result.media.id

    def set_from_frame(
        self, subject: ArtSubject, media_id: str, at_s: float, role: str = "poster"
    ) -> str:
        """Take the frame at ``at_s`` of a video (the player's current frame) and use it."""
        # The process runner and the still compiler load with the first frame taken, not
        # with the runtime (the desktop app's start-up reads this module).
        from mediadesk.engine.process import run_process
        from mediadesk.engine.sniff import sniff
        from mediadesk.engine.stills import POSTER_NAME, poster_argv

        subject.owner()
        if at_s < 0:
            raise InvalidInput("the frame's time must not be negative")
        with self.db.read() as s:
            media = get_media_row(s, media_id)
            if media.kind != MediaKind.VIDEO:
                raise InvalidInput(
                    f"{media.original_filename} has no pictures to take a frame from"
                )
            key, name, duration, info = (
                media.original_key,
                media.original_filename,
                media.duration_seconds,
                media.probe,
            )
        if duration:
            at_s = min(at_s, max(0.0, duration - 0.1))
        self.scratch.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="frame-", dir=self.scratch))
        try:
            source = self.storage.materialize(key, work)
            out = work / "out"
            out.mkdir()
            argv = poster_argv(self.ffmpeg, source, sniff(source), at_s, out, 320, info)
            result = run_process(argv, log_dir=work, log_name="frame", timeout=FRAME_TIMEOUT_S)
            frame = out / POSTER_NAME
            if not result.ok or not frame.is_file():
                raise ProcessFailed(f"no frame at {at_s:.1f}s of {name}: {result.last_error_line}")
            named = work / f"{Path(name).stem} - frame {at_s:.0f}s.jpg"
            frame.rename(named)
            return self.set_from_file(subject, named, role)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def clear(self, subject: ArtSubject, role: str = "poster", source: str = "user") -> None:
        """Forget the user's picture (the image stays in the library)."""
        subject.owner()
        with self.db.write() as s:
            column = getattr(Artwork, f"{subject.kind}_id")
            for old in s.scalars(
                select(Artwork).where(
                    column == subject.id, Artwork.role == role, Artwork.source == source
                )
            ):
                s.delete(old)
        self.bus.publish(CatalogueChanged())
