"""Sidecar pictures of a library folder as media of the library, referenced in place.

A poster beside the films is an image media file like any other (so the image
pipeline makes its WebP variants through the job system, and artwork rows point at
it), but, like the videos of a library folder, it is never copied: ``original_path``
says where it is and the jobs read it there through the safe-input path. A picture
already in the library (the same path, or the same content: ``folder.jpg`` is often a
copy of ``poster.jpg``) is reused.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mediadesk.domain.enums import MediaKind
from mediadesk.engine.integrity import check_complete
from mediadesk.engine.probe import probe_file
from mediadesk.engine.sniff import sniff
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.events import MediaChanged
from mediadesk.fsutil import sha256_file
from mediadesk.handlers.pipeline import PipelinePlanner
from mediadesk.jobs.store import JobStore
from mediadesk.library.models import MediaFile


class ReferencedPictures:
    def __init__(self, store: JobStore, planner: PipelinePlanner, ffprobe: str) -> None:
        self.store = store
        self.planner = planner
        self.ffprobe = ffprobe

    def _live(self, **where: str) -> str | None:
        column, value = next(iter(where.items()))
        with self.store.db.read() as s:
            return s.scalar(
                select(MediaFile.id).where(
                    getattr(MediaFile, column) == value, MediaFile.deleted_at.is_(None)
                )
            )

    def reference(self, path: Path) -> str:
        """The media file id of the picture at ``path``, made media if it is not yet."""
        path = Path(path)
        known = self._live(original_path=str(path))
        if known is not None:
            return known
        container = sniff(path)
        if not container.mime.startswith("image/"):
            raise InvalidInput(f"{path.name} is not a picture", code=ErrorCode.UNSUPPORTED_MEDIA)
        check_complete(path, container)
        info = probe_file(path, self.ffprobe, container)
        sha256, size = sha256_file(path)
        same = self._live(sha256=sha256)
        if same is not None:
            return same
        try:
            with self.store.unit_of_work() as uow:
                media = MediaFile(
                    kind=MediaKind.IMAGE,
                    original_key="",
                    original_path=str(path),
                    original_filename=path.name[:1024],
                    size_bytes=size,
                    mime=container.mime,
                    sha256=sha256,
                )
                media.apply_probe(info)
                uow.session.add(media)
                uow.session.flush()
                self.planner.plan(uow, media)
                uow.events.append(MediaChanged(media.id, str(media.status)))
                return media.id
        except IntegrityError:
            # Another worker made the same picture media meanwhile: use theirs.
            theirs = self._live(sha256=sha256)
            if theirs is None:
                raise
            return theirs
