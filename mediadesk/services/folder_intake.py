"""The library's side of reading library-folder files (``hash_files`` jobs).

``settle`` takes what reading one file found and decides, in one transaction, what it
is: the same content as a file that left its place (a move: that media file takes the
new path and keeps its id, metadata, playback state and outputs), the same content as
a file still in place (a duplicate, skipped), a short clip in a ``Sample/`` folder, bytes
that are not media (skipped with ffmpeg's reason), or new media, which
``folder_identify`` places in the catalogue, whose sidecar subtitles are recorded with
it (as a dropped file's are) and whose pipeline starts.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import MediaKind
from mediadesk.domain.folders import FolderKind, SkipReason, is_sample
from mediadesk.events import CatalogueChanged, MediaChanged
from mediadesk.handlers.folder_hash import PendingFile, ReadFile
from mediadesk.handlers.pipeline import PipelinePlanner
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.work import UnitOfWork
from mediadesk.library.folder_models import FolderFile, LibraryFolder
from mediadesk.library.models import MediaDeletion, MediaFile, SubtitleFile
from mediadesk.services.catalogue import CatalogueService
from mediadesk.services.catalogue_attach import Attached
from mediadesk.services.folder_catalogue import FolderCatalogue
from mediadesk.services.folder_identify import NewFile, identify
from mediadesk.services.folder_place import Identity, apply_identity
from mediadesk.services.tracks import TrackService, add_rows, discard, sidecars_of, store_subtitles

log = logging.getLogger(__name__)


class FolderIntakeService:
    def __init__(
        self,
        store: JobStore,
        planner: PipelinePlanner,
        catalogue: CatalogueService,
        pictures: FolderCatalogue | None = None,
        tracks: TrackService | None = None,
    ) -> None:
        self.store = store
        self.planner = planner
        self.catalogue = catalogue
        self.pictures = pictures  # links a placed video's sidecar pictures
        self.tracks = tracks  # records a new video's sidecar subtitles

    def pending(self, file_ids: list[str]) -> list[PendingFile]:
        """Which of ``file_ids`` still need reading (a rescan may have settled some)."""
        with self.store.db.read() as s:
            rows = s.execute(
                select(FolderFile.id, FolderFile.rel_path, LibraryFolder.path)
                .join(LibraryFolder, LibraryFolder.id == FolderFile.folder_id)
                .where(
                    FolderFile.id.in_(file_ids),
                    FolderFile.sha256.is_(None),
                    FolderFile.skip_reason.is_(None),
                )
            ).all()
        by_id = {r.id: PendingFile(r.id, Path(r.path) / r.rel_path, r.rel_path) for r in rows}
        return [by_id[i] for i in file_ids if i in by_id]

    def settle(self, read: ReadFile) -> None:
        subtitles: list[SubtitleFile] = []
        moved: list[tuple[str, Path]] = []
        try:
            placed = self._settle(read, subtitles, moved)
        except BaseException:
            if self.tracks is not None:
                discard(self.tracks.storage, subtitles)  # stored for a rolled-back row
            raise
        if placed is not None and self.pictures is not None:
            # After the commit: a picture is media of its own (its own transaction).
            self.pictures.link_pictures(*placed)
        if self.tracks is not None:
            for media_id, path in moved:
                # A video found at a new place goes with the subtitles beside it there.
                self.tracks.sync_sidecars(media_id, path)

    def _settle(
        self, read: ReadFile, subtitles: list[SubtitleFile], moved: list[tuple[str, Path]]
    ) -> tuple[Attached, Identity] | None:
        """One transaction; the new video's place and identity, if it was placed.
        ``subtitles``: the sidecar subtitles stored for its rows (removed again by the
        caller if the transaction fails); ``moved``: a media file that moved here."""
        placed: tuple[Attached, Identity] | None = None
        with self.store.unit_of_work() as uow:
            s = uow.session
            entry = s.get(FolderFile, read.file_id)
            if entry is None:
                return None  # the folder was removed meanwhile
            folder = entry.folder
            media = s.get(MediaFile, entry.media_file_id) if entry.media_file_id else None
            if read.gone:
                self._gone(uow, entry, media)
                return None
            assert read.identity is not None and read.sha256 is not None
            entry.size, entry.mtime_ns = read.identity.size, read.identity.mtime_ns
            entry.inode = read.identity.inode
            entry.sha256 = read.sha256
            if read.refused is not None:
                self._skip(uow, entry, media, SkipReason.UNREADABLE, read.refused)
                return None
            assert read.info is not None and read.container is not None
            if is_sample(entry.rel_path, read.info.duration):
                seconds = read.info.duration or 0.0
                self._skip(uow, entry, media, SkipReason.SAMPLE, f"{seconds:.0f} s")
                return None
            path = str(Path(folder.path) / entry.rel_path)
            other = s.scalar(
                select(MediaFile).where(
                    MediaFile.sha256 == read.sha256,
                    MediaFile.deleted_at.is_(None),
                    MediaFile.id != (media.id if media else ""),
                )
            )
            if other is not None:
                if _left_its_place(other):
                    self._moved(uow, entry, media, other, path)
                    moved.append((other.id, Path(path)))
                else:
                    where = other.original_path or other.original_filename
                    self._skip(uow, entry, media, SkipReason.DUPLICATE, where)
                return None
            if media is not None and media.deleted_at is not None:
                # The user took it out of the library: it stays out.
                entry.media_file_id = None
                self._skip(uow, entry, None, SkipReason.REMOVED, "")
                return None
            if media is None:
                # Skipped before (a duplicate whose twin left, say), media now.
                media = MediaFile(
                    kind=read.info.kind or MediaKind.VIDEO,
                    original_key="",
                    original_path=path,
                    original_filename=Path(path).name[:1024],
                    size_bytes=read.identity.size,
                    mime=read.container.mime,
                )
                s.add(media)
                s.flush()
                entry.media_file_id = media.id
            first = media.sha256 is None
            if not first and media.sha256 != read.sha256:
                # Other bytes at this path now: the last verdict was about the old ones.
                media.health = media.health_checked_at = media.health_report = None
            media.sha256 = read.sha256
            media.size_bytes = read.identity.size
            media.mime = read.container.mime
            media.apply_probe(read.info)
            if read.info.kind is not None:
                media.kind = read.info.kind
            media.missing_since = None
            s.flush()
            if first:
                new = NewFile(
                    folder.id, Path(folder.path), FolderKind(folder.kind), entry.rel_path, read.info
                )
                identity = identify(s, new)
                attached = apply_identity(s, media, identity)
                if self.tracks is not None and media.kind == MediaKind.VIDEO:
                    # Recorded with the media file, so its first ladder carries them
                    # (read like a dropped file's; stored before the commit).
                    subtitles.extend(
                        store_subtitles(self.tracks.storage, media.id, sidecars_of(Path(path)))
                    )
                    add_rows(s, subtitles)
                placed = (attached, identity)
                if identity.target is not None:
                    uow.events.append(CatalogueChanged())
            # New content (first read, or the file at this path was replaced): its
            # outputs are made (again) from these bytes.
            self.planner.plan(uow, media)
            uow.events.append(MediaChanged(media.id, str(media.status)))
        return placed

    # Outcomes ---------------------------------------------------------------------

    def _gone(self, uow: UnitOfWork, entry: FolderFile, media: MediaFile | None) -> None:
        if media is not None and media.sha256 is None:
            _drop_provisional(uow, media)
        uow.session.delete(entry)

    def _skip(
        self,
        uow: UnitOfWork,
        entry: FolderFile,
        media: MediaFile | None,
        reason: SkipReason,
        detail: str,
    ) -> None:
        entry.skip_reason, entry.skip_detail = reason.value, detail[:2000]
        if media is not None and media.sha256 is None:
            entry.media_file_id = None
            _drop_provisional(uow, media)

    def _moved(
        self,
        uow: UnitOfWork,
        entry: FolderFile,
        provisional: MediaFile | None,
        media: MediaFile,
        path: str,
    ) -> None:
        """``media``'s content turned up at ``entry``: it moves here, keeping itself."""
        s = uow.session
        if provisional is not None and provisional.sha256 is None:
            entry.media_file_id = None
            s.flush()
            _drop_provisional(uow, provisional)
        for old in s.scalars(select(FolderFile).where(FolderFile.media_file_id == media.id)):
            if old.id != entry.id:
                s.delete(old)  # its path is gone; the media file lives here now
        entry.media_file_id = media.id
        media.original_path = path
        media.original_filename = Path(path).name[:1024]
        media.missing_since = None
        media.updated_at = utcnow()
        log.info("%s moved to %s", media.id, path)
        uow.events.append(MediaChanged(media.id, str(media.status)))


def _left_its_place(media: MediaFile) -> bool:
    """Whether a media file with the same content is no longer where it was."""
    if media.missing_since is not None:
        return True
    return media.original_path is not None and not Path(media.original_path).exists()


def _drop_provisional(uow: UnitOfWork, media: MediaFile) -> None:
    """Remove a row listed before its file was read (no outputs, no jobs yet)."""
    s: Session = uow.session
    s.add(MediaDeletion(media_file_id=media.id))
    s.delete(media)
    uow.events.append(MediaChanged(media.id, deleted=True))
