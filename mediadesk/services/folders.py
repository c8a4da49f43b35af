"""Library folders: the user's own collections, referenced in place.

A folder is added once (``add``) and scanned (``scan``) by hand, at start-up, or by
its watcher. Its media files are *referenced*: their bytes stay where the user keeps
them and are never moved, renamed or deleted by MediaDesk; derived outputs (HLS,
posters...) live in the storage root like those of managed files.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import JobStatus
from mediadesk.domain.folders import SKIP_WORDS, FolderKind, SkipReason
from mediadesk.errors import Conflict, ErrorCode, InvalidInput, NotFound
from mediadesk.events import EventBus, MediaChanged
from mediadesk.handlers.folder_hash import HASH_FILES, HashFilesInput, batches
from mediadesk.jobs.models import Job
from mediadesk.jobs.routing import HOSTNAME, host_queue
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.store import JobStore
from mediadesk.library.folder_models import FolderFile, LibraryFolder
from mediadesk.library.folder_views import FolderView, ScanReport, SkippedFileView
from mediadesk.library.models import MediaFile
from mediadesk.services.folder_scan import apply_scan, load_known, timed_walk
from mediadesk.services.library import LibraryService
from mediadesk.settings import Settings

log = logging.getLogger(__name__)

WATCH_MODES = ("auto", "notify", "poll")
# More media events than this from one scan become one "the library changed" event.
EVENT_BURST = 200


class FolderService:
    def __init__(
        self, settings: Settings, store: JobStore, bus: EventBus, library: LibraryService
    ) -> None:
        self.settings = settings
        self.store = store
        self.db = store.db
        self.bus = bus
        self.library = library
        # Folders this process is watching (set by the watcher): part of their state.
        self.watching: set[str] = set()
        # Called after a folder is added, removed or its watch changed (the watcher).
        self.listeners: list[Callable[[], None]] = []
        # Told of NFO files that appeared or changed in a scan (the catalogue step).
        self.on_nfos: Callable[[list[Path]], object] | None = None
        # Told of sidecar subtitles that appeared, changed or went away, and of videos
        # renamed in place (their videos' subtitle tracks).
        self.on_subtitles: Callable[[list[Path]], object] | None = None

    # The list ---------------------------------------------------------------------

    def add(
        self,
        path: str | Path,
        kind: FolderKind = FolderKind.MIXED,
        watch: bool = False,
        watch_mode: str = "auto",
    ) -> FolderView:
        root = Path(path).expanduser()
        if not root.is_absolute():
            root = Path.cwd() / root
        root = root.resolve()
        if not root.is_dir():
            raise InvalidInput(f"{root}: no such folder", code=ErrorCode.NOT_FOUND)
        if watch_mode not in WATCH_MODES:
            raise InvalidInput(f"watch mode must be one of {', '.join(WATCH_MODES)}")
        for own in (self.settings.home, Path(self.settings.resolved_storage)):
            own = own.resolve()
            if _overlaps(root, own):
                raise InvalidInput(
                    f"{root} overlaps MediaDesk's own library at {own}: add a folder of "
                    "your media, outside it"
                )
        with self.db.write() as s:
            for other in s.scalars(select(LibraryFolder.path)):
                if _overlaps(root, Path(other)):
                    raise Conflict(f"{root} overlaps the library folder {other}")
            folder = LibraryFolder(path=str(root), kind=kind.value, watch=watch)
            folder.watch_mode = watch_mode
            s.add(folder)
            s.flush()
            folder_id = folder.id
        self._changed()
        return self.get(folder_id)

    def list_folders(self) -> list[FolderView]:
        with self.db.read() as s:
            folders = list(s.scalars(select(LibraryFolder).order_by(LibraryFolder.path)))
            counts = self._counts(s)
            return [self._view(f, counts.get(f.id)) for f in folders]

    def get(self, folder_id_or_path: str) -> FolderView:
        with self.db.read() as s:
            folder = self._find(s, folder_id_or_path)
            counts = self._counts(s, folder.id)
            return self._view(folder, counts.get(folder.id))

    def set_watch(self, folder_id_or_path: str, watch: bool, mode: str | None = None) -> FolderView:
        if mode is not None and mode not in WATCH_MODES:
            raise InvalidInput(f"watch mode must be one of {', '.join(WATCH_MODES)}")
        with self.db.write() as s:
            folder = self._find(s, folder_id_or_path)
            folder.watch = watch
            if mode is not None:
                folder.watch_mode = mode
            folder_id = folder.id
        self._changed()
        return self.get(folder_id)

    def remove(self, folder_id_or_path: str) -> int:
        """Forget a folder and take its files out of the library (never off the disk).

        Their outputs are purged like any removed file's; the files stay where they are.
        Returns how many media files left the library.
        """
        with self.db.read() as s:
            folder = self._find(s, folder_id_or_path)
            folder_id = folder.id
            media_ids = list(
                s.scalars(
                    select(FolderFile.media_file_id).where(
                        FolderFile.folder_id == folder_id, FolderFile.media_file_id.is_not(None)
                    )
                )
            )
        removed = 0
        for media_id in media_ids:
            assert media_id is not None
            try:
                self.library.delete_media(media_id, purge=True)
                removed += 1
            except NotFound:
                continue  # deleted meanwhile (another shell, a rescan): nothing to remove
        with self.db.write() as s:
            row = s.get(LibraryFolder, folder_id)
            if row is not None:
                s.delete(row)
        self._changed()
        return removed

    def skipped(
        self, folder_id_or_path: str | None = None, limit: int = 1000
    ) -> list[SkippedFileView]:
        stmt = select(FolderFile).where(FolderFile.skip_reason.is_not(None))
        with self.db.read() as s:
            if folder_id_or_path is not None:
                stmt = stmt.where(FolderFile.folder_id == self._find(s, folder_id_or_path).id)
            rows = s.scalars(stmt.order_by(FolderFile.rel_path).limit(limit))
            return [
                SkippedFileView(
                    folder_id=r.folder_id,
                    path=r.rel_path,
                    reason=SkipReason(r.skip_reason or SkipReason.NOT_MEDIA),
                    reason_words=SKIP_WORDS[SkipReason(r.skip_reason or SkipReason.NOT_MEDIA)],
                    detail=r.skip_detail,
                )
                for r in rows
            ]

    # Scanning ---------------------------------------------------------------------

    def scan(self, folder_id_or_path: str | None = None) -> list[ScanReport]:
        """Scan one folder (by id, path, or a path inside it), or all of them."""
        with self.db.read() as s:
            if folder_id_or_path is None:
                ids = list(s.scalars(select(LibraryFolder.id).order_by(LibraryFolder.path)))
                subs: list[str | None] = [None] * len(ids)
            else:
                folder, sub = self._find_with_sub(s, folder_id_or_path)
                ids, subs = [folder.id], [sub]
        return [self.scan_one(i, sub) for i, sub in zip(ids, subs, strict=True)]

    def scan_one(
        self, folder_id: str, sub: str | None = None, hold: set[str] | None = None
    ) -> ScanReport:
        started = time.perf_counter()
        with self.db.read() as s:
            folder = s.get(LibraryFolder, folder_id)
            if folder is None:
                raise NotFound(f"no library folder {folder_id}")
            root, kind = Path(folder.path), FolderKind(folder.kind)
        if not root.is_dir():
            # An unmounted disk is not 8 TB of missing files: say so and change nothing.
            message = f"{root} is not reachable (unmounted or removed?)"
            with self.db.write() as s:
                row = s.get(LibraryFolder, folder_id)
                if row is not None:
                    row.last_scan_error = message
            raise InvalidInput(message, code=ErrorCode.NOT_FOUND)
        seen, _ = timed_walk(root, kind, sub)
        with self.store.unit_of_work() as uow:
            s = uow.session
            known = load_known(s, folder_id)
            outstanding = s.scalar(
                select(Job.id)
                .where(
                    Job.type == HASH_FILES,
                    Job.status.in_((JobStatus.PENDING, JobStatus.PROCESSING)),
                )
                .limit(1)
            )
            result = apply_scan(
                s, folder_id, root, kind, seen, known, sub, hold or set(), outstanding is None
            )
            job_ids = []
            for batch in batches(result.to_read):
                spec = JobSpec(
                    type=HASH_FILES,
                    input=HashFilesInput(folder_id=folder_id, file_ids=batch, host=HOSTNAME),
                )
                job_ids.append(self.store.add(uow, spec).id)
            row = s.get(LibraryFolder, folder_id)
            seconds = time.perf_counter() - started
            if row is not None:
                row.last_scan_at = utcnow()
                row.last_scan_seconds = round(seconds, 3)
                row.last_scan_error = None
        self._announce(result.touched_media, result.new)
        if result.nfos and self.on_nfos is not None:
            self.on_nfos([root / rel for rel in result.nfos])
        if result.subtitles and self.on_subtitles is not None:
            self.on_subtitles([root / rel for rel in result.subtitles])
        log.info(
            "scanned %s: %d files, %d new, %d changed, %d moved, %d missing in %.2f s",
            root,
            result.files,
            result.new,
            result.changed,
            result.moved,
            result.missing,
            seconds,
        )
        return ScanReport(
            folder_id=folder_id,
            path=str(root),
            files=result.files,
            new=result.new,
            changed=result.changed,
            moved=result.moved,
            missing=result.missing,
            returned=result.returned,
            skipped=result.skipped,
            queued=len(result.to_read),
            seconds=round(time.perf_counter() - started, 3),
            job_ids=job_ids,
        )

    def folder_of(self, path: str | Path) -> tuple[str, str | None] | None:
        """The folder holding ``path`` and the path inside it, if any folder does."""
        with self.db.read() as s:
            try:
                folder, sub = self._find_with_sub(s, str(path))
            except NotFound:
                return None
            return folder.id, sub

    def reading_jobs(self) -> list[str]:
        """The ``hash_files`` jobs not finished yet (this scan's and earlier ones)."""
        with self.db.read() as s:
            return list(
                s.scalars(
                    select(Job.id).where(
                        Job.type == HASH_FILES,
                        Job.status.in_((JobStatus.PENDING, JobStatus.PROCESSING)),
                    )
                )
            )

    @staticmethod
    def reading_queue() -> str:
        """The queue the ``hash_files`` jobs of this machine's folders go to."""
        return host_queue()

    # Helpers ----------------------------------------------------------------------

    def _changed(self) -> None:
        for listener in self.listeners:
            listener()

    def _announce(self, media_ids: list[str], new: int) -> None:
        if len(media_ids) + new == 0:
            return
        if len(media_ids) > EVENT_BURST or new:
            # Views reload on any media event; one is enough for a burst.
            self.bus.publish(MediaChanged(media_ids[0] if media_ids else "", None))
            return
        for media_id in media_ids:
            self.bus.publish(MediaChanged(media_id, None))

    def _find(self, s: Session, key: str) -> LibraryFolder:
        folder: LibraryFolder | None = s.get(LibraryFolder, key)
        if folder is None:
            resolved = str(Path(key).expanduser().resolve())
            folder = s.scalar(select(LibraryFolder).where(LibraryFolder.path == resolved))
        if folder is None:
            raise NotFound(f"no library folder {key}")
        return folder

    def _find_with_sub(self, s: Session, key: str) -> tuple[LibraryFolder, str | None]:
        folder = s.get(LibraryFolder, key)
        if folder is not None:
            return folder, None
        target = Path(key).expanduser()
        target = (Path.cwd() / target if not target.is_absolute() else target).resolve()
        for f in s.scalars(select(LibraryFolder)):
            root = Path(f.path)
            if target == root:
                return f, None
            if root in target.parents:
                return f, target.relative_to(root).as_posix()
        raise NotFound(f"{key} is in no library folder (add it with 'folders add')")

    def _counts(
        self, s: Session, folder_id: str | None = None
    ) -> dict[str, tuple[int, int, int, int]]:
        is_media = FolderFile.media_file_id.is_not(None) & FolderFile.sha256.is_not(None)
        stmt = (
            select(
                FolderFile.folder_id,
                func.sum(case((is_media, 1), else_=0)),
                func.sum(case((is_media & FolderFile.missing_since.is_not(None), 1), else_=0)),
                func.sum(case((FolderFile.skip_reason.is_not(None), 1), else_=0)),
                func.sum(
                    case(
                        ((FolderFile.skip_reason.is_(None) & FolderFile.sha256.is_(None)), 1),
                        else_=0,
                    )
                ),
            )
            .join(MediaFile, MediaFile.id == FolderFile.media_file_id, isouter=True)
            .where(MediaFile.deleted_at.is_(None))
            .group_by(FolderFile.folder_id)
        )
        if folder_id is not None:
            stmt = stmt.where(FolderFile.folder_id == folder_id)
        return {
            r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))
            for r in s.execute(stmt)
        }

    def _view(self, f: LibraryFolder, counts: tuple[int, int, int, int] | None) -> FolderView:
        media, missing, skipped, waiting = counts or (0, 0, 0, 0)
        if not Path(f.path).is_dir():
            state = "Not reachable"
        elif waiting:
            state = f"Reading files: {media} of {media + waiting}"
        elif f.id in self.watching:
            state = "Watching"
        elif f.last_scan_at is None:
            state = "Not scanned yet"
        else:
            state = "Up to date"
        return FolderView(
            id=f.id,
            path=f.path,
            kind=FolderKind(f.kind),
            watch=f.watch,
            watch_mode=f.watch_mode,
            created_at=f.created_at,
            last_scan_at=f.last_scan_at,
            last_scan_seconds=f.last_scan_seconds,
            last_scan_error=f.last_scan_error,
            media_files=media,
            missing=missing,
            skipped=skipped,
            waiting=waiting,
            state=state,
        )


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents
