"""Bringing files into the library: local paths, streams (uploads), and the import jobs.

URLs, and local files the desktop app drops, are imported by jobs (``fetch_url``,
``copy_path`` in ``handlers/imports.py``; ``services/imports.py`` submits and lists
them); they hand their staged file to :meth:`IngestService.intake`. Every route ends in
:meth:`IngestService.import_staged`: a fully written, fsynced,
hashed staging file is identified, checked and probed; duplicates are reported;
otherwise it is renamed to ``originals/{id}.{ext}`` and only then is the row
committed. A crash at any point leaves either nothing, a staging file the sweeper
removes, or an original with no row (also swept) - never a row without its file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mediadesk.base_types import new_id
from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.domain.enums import JobStatus, MediaKind
from mediadesk.engine.integrity import check_complete
from mediadesk.engine.probe import probe_file
from mediadesk.engine.process import CancelToken
from mediadesk.engine.sniff import sniff
from mediadesk.errors import Conflict, InvalidInput
from mediadesk.events import CatalogueChanged, EventBus, MediaChanged
from mediadesk.handlers.imports import ImportInput, ImportTarget
from mediadesk.handlers.pipeline import PipelinePlanner
from mediadesk.handlers.staging import CopyProgress, require_file, stage_chunks, stage_file
from mediadesk.jobs.models import Job
from mediadesk.jobs.store import JobStore
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile, MediaTag, SubtitleFile
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import ImportResult
from mediadesk.services.catalogue import (
    AttachTarget,
    CatalogueService,
    EpisodeTarget,
    MovieTarget,
)
from mediadesk.services.library import media_views
from mediadesk.services.naming import guess_from_name
from mediadesk.services.tracks import (
    PendingSubtitle,
    add_rows,
    discard,
    sidecars_of,
    store_subtitles,
)
from mediadesk.storage import keys
from mediadesk.storage.base import StagedFile, Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Guess:
    """Pass as ``target`` to attach a file where its name, folders and container tags
    say (``path``: the name to read, when it is more than the file name). An entry
    that already has a file gets this one as another version: a guess never replaces.
    """

    path: str | None = None


GUESS = Guess()
# Where an import attaches its file: a given place, its own guess, or nowhere (loose).
IngestTarget = AttachTarget | Guess | None


class IngestService:
    def __init__(
        self,
        db: Database,
        storage: Storage,
        bus: EventBus,
        ffprobe: str,
        store: JobStore,
        planner: PipelinePlanner,
        catalogue: CatalogueService,
    ) -> None:
        self.db = db
        self.storage = storage
        self.bus = bus
        self.ffprobe = ffprobe
        self.store = store
        self.planner = planner
        self.catalogue = catalogue

    # Entry points -----------------------------------------------------------------

    def import_path(
        self,
        path: Path,
        target: IngestTarget = None,
        tags: Iterable[str] = (),
        progress: CopyProgress | None = None,
        cancel: CancelToken | None = None,
    ) -> ImportResult:
        path = Path(path)
        require_file(path)
        if isinstance(target, Guess) and target.path is None:
            target = Guess(str(path))
        staged = stage_file(path, self.storage.staging_dir(), progress, cancel)
        return self.import_staged(
            staged, path.name, target=target, tags=tags, subtitles=sidecars_of(path)
        )

    def import_stream(
        self,
        chunks: Iterable[bytes],
        filename: str,
        target: IngestTarget = None,
        tags: Iterable[str] = (),
    ) -> ImportResult:
        staged = stage_chunks(chunks, self.storage.staging_dir())
        return self.import_staged(staged, filename, target=target, tags=tags)

    def intake(
        self,
        staged: StagedFile,
        filename: str,
        options: ImportInput,
        source_url: str | None,
        source_path: Path | None = None,
    ) -> ImportResult:
        """``import_staged`` for the import jobs, whose options are typed job input;
        a copied local file brings the subtitle files beside it."""
        return self.import_staged(
            staged,
            filename,
            target=attach_target(options),
            tags=options.tags,
            source_url=source_url,
            subtitles=sidecars_of(source_path) if source_path else (),
        )

    # The one path every import takes ------------------------------------------------

    def import_staged(
        self,
        staged: StagedFile,
        filename: str,
        target: IngestTarget = None,
        tags: Iterable[str] = (),
        source_url: str | None = None,
        subtitles: Sequence[PendingSubtitle] = (),
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
            # Only videos are movies or episodes; audio and images stay loose.
            guessed = _guessed(target.path or filename, info.tags)
            target = guessed if kind == MediaKind.VIDEO else None

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
        subtitle_rows: list[SubtitleFile] = []
        try:
            if kind == MediaKind.VIDEO:
                subtitle_rows = store_subtitles(self.storage, media.id, subtitles)
            # The row, its place in the catalogue and its first jobs commit together;
            # the jobs' queue messages and events go out only after that commit.
            with self.store.unit_of_work() as uow:
                s = uow.session
                s.add(media)
                s.flush()
                add_rows(s, subtitle_rows)
                attached = self.catalogue.attach_in(s, media, target)
                job_ids = self.planner.plan(uow, media)
                s.flush()
                view = media_views(s, [media])[0]  # with its title, once attached
        except IntegrityError:
            # Lost a race with an identical import: keep theirs, drop ours.
            discard(self.storage, subtitle_rows)
            self.storage.delete(media.original_key)
            existing = self._find_live(staged.sha256)
            if existing is None:
                raise
            return self._duplicate(existing, target)
        except BaseException:
            discard(self.storage, subtitle_rows)
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
            s.flush()
            view = media_views(s, [media])[0]
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


def attach_target(options: ImportInput) -> IngestTarget:
    """An import job's typed target as ingest's: a place, the file's guess, or loose."""
    target = options.target
    if target is None:
        return Guess(options.guess_path) if options.guess else None
    if target.movie:
        return MovieTarget(
            target.movie, year=target.year, version=target.version, on_conflict=target.on_conflict
        )
    assert target.series and target.season is not None and target.episode is not None
    return EpisodeTarget(
        target.series,
        target.season,
        target.episode,
        target.title,
        end_episode=target.end_episode,
        version=target.version,
        on_conflict=target.on_conflict,
        year=target.year,
    )


def import_target(target: IngestTarget) -> tuple[ImportTarget | None, bool]:
    """Ingest's target as an import job's typed input: ``(place, guess when no place)``."""
    if target is None or isinstance(target, Guess):
        return None, target is not None
    if isinstance(target, MovieTarget):
        place = ImportTarget(
            movie=target.title,
            year=target.year,
            version=target.version,
            on_conflict=target.on_conflict,
        )
        return place, False
    place = ImportTarget(
        series=target.series,
        season=target.season,
        episode=target.episode,
        title=target.title,
        end_episode=target.end_episode,
        version=target.version,
        on_conflict=target.on_conflict,
        year=target.year,
    )
    return place, False
