"""Bringing files into the library: local paths, streams (uploads) and URLs.

Every route ends in :meth:`IngestService.import_staged`: a fully written, fsynced,
hashed staging file is identified, checked and probed; duplicates are reported;
otherwise it is renamed to ``originals/{id}.{ext}`` and only then is the row
committed. A crash at any point leaves either nothing, a staging file the sweeper
removes, or an original with no row (also swept) - never a row without its file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mediadesk.base_types import new_id
from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.domain.enums import JobStatus
from mediadesk.engine.integrity import check_complete
from mediadesk.engine.probe import probe_file
from mediadesk.engine.process import CancelToken
from mediadesk.engine.sniff import sniff
from mediadesk.errors import Cancelled, Conflict, ErrorCode, InvalidInput
from mediadesk.events import CatalogueChanged, EventBus, MediaChanged
from mediadesk.handlers.pipeline import PipelinePlanner
from mediadesk.jobs.models import Job
from mediadesk.jobs.store import JobStore
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile, MediaTag
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import ImportResult, MediaFileView
from mediadesk.services.catalogue import AttachTarget, CatalogueService
from mediadesk.services.fetch import FetchLimits, download
from mediadesk.services.naming import guess_from_name
from mediadesk.storage import keys
from mediadesk.storage.base import CHUNK, StagedFile, StagingWriter, Storage

log = logging.getLogger(__name__)

CopyProgress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Guess:
    """Pass as ``target`` to attach a file where its name, folders and container tags
    say (``path``: the name to read, when it is more than the file name). An entry
    that already has a file gets this one as another version: a guess never replaces.
    """

    path: str | None = None


GUESS = Guess()
ImportTarget = AttachTarget | Guess | None


class IngestService:
    def __init__(
        self,
        db: Database,
        storage: Storage,
        bus: EventBus,
        ffprobe: str,
        fetch_limits: FetchLimits,
        store: JobStore,
        planner: PipelinePlanner,
        catalogue: CatalogueService,
    ) -> None:
        self.db = db
        self.storage = storage
        self.bus = bus
        self.ffprobe = ffprobe
        self.fetch_limits = fetch_limits
        self.store = store
        self.planner = planner
        self.catalogue = catalogue

    # Entry points -----------------------------------------------------------------

    def import_path(
        self,
        path: Path,
        target: ImportTarget = None,
        tags: Iterable[str] = (),
        progress: CopyProgress | None = None,
        cancel: CancelToken | None = None,
    ) -> ImportResult:
        path = Path(path)
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file", code=ErrorCode.NOT_FOUND)
        total = path.stat().st_size
        if isinstance(target, Guess) and target.path is None:
            target = Guess(str(path))
        with path.open("rb") as source:
            staged = self._stage(_chunks(source), total, progress, cancel)
        return self.import_staged(staged, path.name, target=target, tags=tags)

    def import_stream(
        self,
        chunks: Iterable[bytes],
        filename: str,
        target: ImportTarget = None,
        tags: Iterable[str] = (),
    ) -> ImportResult:
        staged = self._stage(chunks, None, None, None)
        return self.import_staged(staged, filename, target=target, tags=tags)

    def import_url(
        self,
        url: str,
        target: ImportTarget = None,
        tags: Iterable[str] = (),
        progress: CopyProgress | None = None,
        cancel: CancelToken | None = None,
    ) -> ImportResult:
        fetched = download(url, self.storage.staging_dir(), self.fetch_limits, progress, cancel)
        return self.import_staged(
            fetched.staged, fetched.filename, target=target, tags=tags, source_url=url
        )

    # The one path every import takes ------------------------------------------------

    def import_staged(
        self,
        staged: StagedFile,
        filename: str,
        target: ImportTarget = None,
        tags: Iterable[str] = (),
        source_url: str | None = None,
    ) -> ImportResult:
        try:
            container = sniff(staged.path)
            check_complete(staged.path, container)
            info = probe_file(staged.path, self.ffprobe, container)
        except BaseException as exc:
            staged.path.unlink(missing_ok=True)
            if isinstance(exc, InvalidInput):
                # The staging name is ours; say which file the user gave us.
                exc.message = exc.message.replace(staged.path.name, filename)
            raise
        kind = info.kind
        assert kind is not None  # probe_file refuses files of no kind
        if isinstance(target, Guess):
            target = _guessed(target.path or filename, info.tags) if kind == "video" else None

        existing = self._find_live(staged.sha256)
        if existing is not None:
            staged.path.unlink(missing_ok=True)
            return self._duplicate(existing, target)

        media = MediaFile(
            id=new_id(),
            kind=kind,
            original_filename=filename[:1024],
            size_bytes=staged.size,
            mime=container.mime,
            sha256=staged.sha256,
            source_url=source_url,
        )
        media.original_key = keys.original(media.id, container.extension)
        media.apply_probe(info)
        media.tags = [MediaTag(media_file_id=media.id, name=t) for t in sorted(set(tags)) if t]

        self.storage.adopt(staged, media.original_key, container.mime)
        try:
            # The row, its place in the catalogue and its first jobs commit together;
            # the jobs' queue messages and events go out only after that commit.
            with self.store.unit_of_work() as uow:
                s = uow.session
                s.add(media)
                s.flush()
                attached = self.catalogue.attach_in(s, media, target)
                job_ids = self.planner.plan(uow, media)
                view = MediaFileView.of(media)
        except IntegrityError:
            # Lost a race with an identical import: keep theirs, drop ours.
            self.storage.delete(media.original_key)
            existing = self._find_live(staged.sha256)
            if existing is None:
                raise
            return self._duplicate(existing, target)
        except BaseException:
            self.storage.delete(media.original_key)
            raise
        self.bus.publish(MediaChanged(view.id, str(view.status)))
        if target is not None:
            self.bus.publish(CatalogueChanged())
        log.info("imported %s as %s (%s)", filename, view.id, view.kind)
        return ImportResult(
            media=view,
            duplicate=False,
            movie_id=attached.movie_id,
            episode_id=attached.episode_id,
            job_ids=job_ids,
        )

    def reprocess(self, media_id: str) -> list[str]:
        """Run a file's whole pipeline again (after a failure, or with new presets)."""
        with self.store.unit_of_work() as uow:
            media = get_media_row(uow.session, media_id)
            busy = uow.session.scalar(
                select(Job.id).where(
                    Job.media_file_id == media_id,
                    Job.pipeline.is_(True),
                    Job.status.in_((JobStatus.PENDING, JobStatus.PROCESSING)),
                )
            )
            if busy is not None:
                raise Conflict(f"{media.original_filename} is still being processed")
            return self.planner.plan(uow, media)

    # Helpers ------------------------------------------------------------------------

    def _stage(
        self,
        chunks: Iterable[bytes],
        total: int | None,
        progress: CopyProgress | None,
        cancel: CancelToken | None,
    ) -> StagedFile:
        with StagingWriter(self.storage.staging_dir()) as writer:
            for chunk in chunks:
                if cancel is not None and cancel.cancelled:
                    raise Cancelled("import cancelled")
                writer.write(chunk)
                if progress is not None:
                    progress(writer.size, total)
            return writer.finish()

    def _find_live(self, sha256: str) -> str | None:
        with self.db.read() as s:
            return s.scalar(
                select(MediaFile.id).where(
                    MediaFile.sha256 == sha256, MediaFile.deleted_at.is_(None)
                )
            )

    def _duplicate(self, media_id: str, target: AttachTarget | None) -> ImportResult:
        with self.db.write() as s:
            media = get_media_row(s, media_id)
            attached = self.catalogue.attach_in(s, media, target)
            view = MediaFileView.of(media)
        if target is not None:
            self.bus.publish(CatalogueChanged())
        return ImportResult(
            media=view,
            duplicate=True,
            movie_id=attached.movie_id,
            episode_id=attached.episode_id,
        )


def _guessed(name: str, tags: dict[str, str]) -> AttachTarget | None:
    target = guess_from_name(name, tags).target()
    if target is not None and target.on_conflict is None:
        target = replace(target, on_conflict=ConflictChoice.VERSION)
    return target


def _chunks(source: BinaryIO) -> Iterable[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk
