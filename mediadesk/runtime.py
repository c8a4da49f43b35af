"""The composition root: builds settings, database, queue, storage and services.

Shells (CLI, ``serve``, ``worker``, the GUI) build one ``Runtime`` and call services
through it. ``open()`` makes it usable as a client (import, list, enqueue);
``start_workers()`` turns this process into a consumer; ``stop()`` winds down.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from typing import IO

from mediadesk.engine.binaries import FFmpegInfo, ffmpeg_info
from mediadesk.errors import ConfigError, ErrorCode, MediaDeskError
from mediadesk.events import EventBus
from mediadesk.handlers import default_registry
from mediadesk.handlers.folder_hash import FolderIntake, HashFilesJob, PendingFile, ReadFile
from mediadesk.handlers.imports import ImportInput, import_job_types
from mediadesk.handlers.pipeline import PipelinePlanner
from mediadesk.jobs.monitor import JobMonitor
from mediadesk.jobs.reaper import Reaper
from mediadesk.jobs.registry import JobRegistry, LazyRegistry
from mediadesk.jobs.routing import IMPORTS_QUEUE, FolderGate, host_queue
from mediadesk.jobs.runner import JobRunner
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.transport import EmbeddedConsumers, JobTransport
from mediadesk.library.db import Database
from mediadesk.library.migrate import MigrationReport, upgrade_to_head
from mediadesk.library.views import ImportResult
from mediadesk.services.artwork import ArtworkService
from mediadesk.services.catalogue import CatalogueService
from mediadesk.services.deletions import DeletionFeed
from mediadesk.services.folder_catalogue import FolderCatalogue
from mediadesk.services.folder_intake import FolderIntakeService
from mediadesk.services.folder_pictures import ReferencedPictures
from mediadesk.services.folder_subtitles import FolderSubtitles
from mediadesk.services.folder_watch import FolderWatcher
from mediadesk.services.folders import FolderService
from mediadesk.services.health import HealthService
from mediadesk.services.imports import ImportService
from mediadesk.services.ingest import IngestService
from mediadesk.services.job_subjects import JobSubjects
from mediadesk.services.jobs import JobService
from mediadesk.services.library import LibraryService
from mediadesk.services.mastering import MasteringService
from mediadesk.services.nfo_export import NfoExportService
from mediadesk.services.playback import PlaybackService
from mediadesk.services.song_tags import queue_old_tags
from mediadesk.services.tracks import TrackService
from mediadesk.services.webhooks import WebhookDispatcher
from mediadesk.settings import Settings
from mediadesk.storage.base import StagedFile, Storage
from mediadesk.storage.factory import create_storage

log = logging.getLogger(__name__)

LOCK_RETRY_S = 0.05
# How long the app and serve try for the library lock before saying it is open elsewhere.
APP_LOCK_PATIENCE_S = 1.0


class LibraryLock:
    """An advisory lock: one application (GUI or serve) per library home."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def acquire(self, patience_s: float = 0.0) -> None:
        """Take the lock, trying again for ``patience_s``: the app and ``serve`` pass a
        second, so a command that only looks whether the library is open (it takes the
        lock for an instant, ``consumed_here``) never makes them fail to start."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")  # noqa: SIM115 - held for the process lifetime
        deadline = time.monotonic() + patience_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(LOCK_RETRY_S)
                    continue
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                raise MediaDeskError(
                    f"the library at {self.path.parent} is already open by {holder}",
                    code=ErrorCode.LIBRARY_LOCKED,
                ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}\n")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


class _LateFolderIntake:
    """The folder intake for a job type built before ``open()`` made the service."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def pending(self, file_ids: list[str]) -> list[PendingFile]:
        return self.runtime.folder_intake.pending(file_ids)

    def settle(self, read: ReadFile) -> None:
        self.runtime.folder_intake.settle(read)


class Runtime:
    def __init__(self, settings: Settings, registry: JobRegistry | None = None) -> None:
        self.settings = settings
        self.bus = EventBus()
        # Filled on first use: the job types load the media engine (numpy, Pillow...).
        self.registry = registry or LazyRegistry(default_registry)
        # The import jobs hand their staged files to this runtime's ingest service.
        self.registry.register_later(lambda: import_job_types(self._intake))
        # Reading library-folder files hands each result to this runtime's folder intake.
        self.registry.register_later(lambda: [HashFilesJob(self._folder_intake())])
        self._opened = False
        self._consumers: EmbeddedConsumers | None = None
        self._lock: LibraryLock | None = None
        self.reaper: Reaper | None = None
        self.migration: MigrationReport | None = None

    # Building -----------------------------------------------------------------------

    def open(self) -> Runtime:
        if self._opened:
            return self
        s = self.settings
        for path in (s.home, s.logs_dir, s.scratch_dir):
            path.mkdir(parents=True, exist_ok=True)
        self.db = Database(s.resolved_database_url)
        self.migration = upgrade_to_head(self.db, s.backups_dir, s.database_path)
        self.storage: Storage = create_storage(s)
        self.transport = JobTransport(s.resolved_queue_url, s.queues)
        self.store = JobStore(self.db, self.registry, s, self.bus, self.transport.send)
        # Built here, started by start_workers(): cancels reach local jobs through it.
        self.monitor = JobMonitor(self.store, self.bus, s.heartbeat_interval)
        self.jobs = JobService(self.db, self.store, s, self.storage, self.monitor)
        self.pipeline = PipelinePlanner(self.store, self.registry, s)
        self.library = LibraryService(self.db, self.storage, self.bus, self.jobs)
        self.catalogue = CatalogueService(self.db, self.bus)
        self.deletions = DeletionFeed(self.db)
        self.ingest = IngestService(
            self.db,
            self.storage,
            self.bus,
            ffprobe=s.ffprobe_path,
            store=self.store,
            planner=self.pipeline,
            catalogue=self.catalogue,
        )
        self.imports = ImportService(self.db, self.jobs)
        self.subjects = JobSubjects(self.db, self.library)
        self.tracks = TrackService(self.storage, self.store, self.bus)
        self.folders = FolderService(s, self.store, self.bus, self.library)
        self.mastering = MasteringService(self.library, self.jobs)
        self.playback = PlaybackService(self.db, self.bus)
        self.artwork = ArtworkService(
            self.db, self.bus, self.storage, self.ingest, s.ffmpeg_path, s.scratch_dir
        )
        # Library folders: each video's place from its Kodi/Jellyfin sidecars (pictures
        # referenced where they are, like the videos), and the NFOs written back.
        pictures = ReferencedPictures(self.store, self.pipeline, s.ffprobe_path)
        self.folder_catalogue = FolderCatalogue(
            self.db, self.bus, self.artwork, import_image=pictures.reference
        )
        self.folder_intake = FolderIntakeService(
            self.store, self.pipeline, self.catalogue, self.folder_catalogue, self.tracks
        )
        self.folders.on_nfos = self.folder_catalogue.refresh
        self.folder_subtitles = FolderSubtitles(self.db, self.tracks)
        self.folders.on_subtitles = self.folder_subtitles.refresh
        self.watcher = FolderWatcher(self.folders, s)
        self.folders.listeners.append(self.watcher.refresh)
        self.nfo_export = NfoExportService(self.db)
        self.health = HealthService(self.store, self.jobs)
        self._opened = True
        return self

    def _intake(
        self,
        staged: StagedFile,
        filename: str,
        options: ImportInput,
        source_url: str | None,
        source_path: Path | None = None,
    ) -> ImportResult:
        return self.ingest.intake(staged, filename, options, source_url, source_path)

    def _folder_intake(self) -> FolderIntake:
        return _LateFolderIntake(self)

    def webhook_dispatcher(self) -> WebhookDispatcher | None:
        """The job webhooks' delivery thread, when webhooks are configured (not started)."""
        s = self.settings
        if not s.webhook_urls:
            return None
        secret = s.webhook_secret.get_secret_value() if s.webhook_secret else ""
        if not secret:
            raise ConfigError("webhook_urls is set but webhook_secret is not")
        return WebhookDispatcher(
            self.db, self.bus, s.webhook_urls, secret.encode(), s.webhook_max_attempts
        )

    def ffmpeg(self) -> FFmpegInfo:
        return ffmpeg_info(self.settings.ffmpeg_path, self.settings.ffprobe_path)

    # Running ------------------------------------------------------------------------

    def acquire_app_lock(self, patience_s: float = 0.0) -> None:
        self._lock = LibraryLock(self.settings.lock_path)
        self._lock.acquire(patience_s)

    @property
    def workers_running(self) -> bool:
        return self._consumers is not None

    def start_workers(self, queues: list[str] | None = None, workers: int | None = None) -> None:
        """Make this process a consumer: workers, lease monitor and reaper."""
        self.open()
        if self._consumers is not None:
            return
        self.ffmpeg()  # fail early and clearly when ffmpeg is missing
        runner = JobRunner(
            settings=self.settings,
            db=self.db,
            storage=self.storage,
            registry=self.registry,
            store=self.store,
            monitor=self.monitor,
            bus=self.bus,
        )
        self.monitor.start()
        self.reaper = Reaper(
            self.settings, self.db, self.store, self.transport, self.storage, self.monitor
        )
        self.reaper.start()
        lanes = self.lanes(queues, workers)
        gates = {}
        if self.settings.folders_queue:
            gates[self.settings.folders_queue] = FolderGate(
                self.sees_library_folders, self.settings.folders_check_interval
            )
        self._consumers = self.transport.consume(runner, lanes, gates=gates)
        self._consumers.start()
        log.info("workers started: %s", ", ".join(f"{n} on {queue}" for queue, n in lanes.items()))

    def start_watching(self) -> None:
        """Watch the library folders that have watch on (the app and serve do; workers,
        which may be many, do not). Does nothing when ``watch_folders`` is off."""
        self.open()
        if self.settings.watch_folders:
            self.watcher.start()

    def queue_old_tags(self) -> int:
        """Queue the songs an older build's probe read, to read their tags again (the
        library host does this once its workers run: the app and serve, not workers)."""
        self.open()
        queued = queue_old_tags(self.store)
        if queued:
            log.info("reading the tags of %d songs again (read by an older version)", queued)
        return queued

    def lanes(self, queues: list[str] | None = None, workers: int | None = None) -> dict[str, int]:
        """Queue -> threads this process consumes with: the configured queues, and the
        import lanes beside them (downloads, and copies of this host's paths)."""
        s = self.settings
        lanes = dict.fromkeys(queues or s.queues, workers or s.workers)
        if s.import_workers:
            lanes.setdefault(IMPORTS_QUEUE, s.import_workers)
        # Always: only this host can copy its files. One copy at a time: copies from
        # one disk are faster in turn than side by side.
        lanes.setdefault(host_queue(), 1)
        if s.folders_queue:  # taken from only while this process sees the folders
            lanes.setdefault(s.folders_queue, workers or s.workers)
        return lanes

    def sees_library_folders(self) -> bool:
        """Every library folder is a directory here: this process can take the jobs of
        files read in place."""
        self.open()
        return all(Path(f.path).is_dir() for f in self.folders.list_folders())

    def interrupt_running(self) -> None:
        """Interrupt every job running here now; they go back to PENDING for others."""
        if self._opened:
            self.monitor.cancel_all()

    def stop(self, grace: float = 10.0) -> None:
        """Stop taking work; give running jobs ``grace`` seconds, then interrupt them.

        An interrupted job goes back to PENDING (its attempt is recorded as
        INTERRUPTED) and runs again on the next start, from the beginning.
        """
        if self._consumers is not None:
            if not self._consumers.stop(timeout=grace):
                self.monitor.cancel_all()
                self._consumers.stop(timeout=self.settings.cancel_grace + 5)
            self._consumers = None
        if self.reaper is not None:
            self.reaper.stop()
            self.reaper = None
        if self._opened:
            self.watcher.stop()
            self.monitor.stop()
            self.transport.close()
            self.db.dispose()
            self._opened = False
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Runtime:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.stop()
