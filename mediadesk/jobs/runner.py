"""Runs one attempt of one job: claim, scratch, handler, verify-then-publish, commit."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from mediadesk.engine.binaries import FFmpegInfo, ffmpeg_info
from mediadesk.engine.process import CancelToken
from mediadesk.errors import ErrorCode, InvalidInput, MediaDeskError, TransientError
from mediadesk.events import EventBus
from mediadesk.fsutil import storage_error
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.log_archive import archive_attempt_logs
from mediadesk.jobs.logs import attempt_log_dir
from mediadesk.jobs.monitor import JobMonitor
from mediadesk.jobs.registry import JobRegistry
from mediadesk.jobs.routing import HOSTNAME
from mediadesk.jobs.spec import Outcome
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.work import Claim
from mediadesk.library.db import Database
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import MediaFileView
from mediadesk.settings import Settings
from mediadesk.storage.base import Storage, prune_stale, walk_files

log = logging.getLogger(__name__)

# Distinguishes this process from an earlier one that had the same pid.
PROCESS_TOKEN = secrets.token_hex(4)
MANIFEST_LIMIT = 500


def worker_identity(thread_name: str | None = None) -> str:
    name = thread_name or threading.current_thread().name
    return f"{HOSTNAME}:{os.getpid()}:{PROCESS_TOKEN}:{name}"


class JobRunner:
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        storage: Storage,
        registry: JobRegistry,
        store: JobStore,
        monitor: JobMonitor,
        bus: EventBus,
    ) -> None:
        self.settings = settings
        self.db = db
        self.storage = storage
        self.registry = registry
        self.store = store
        self.monitor = monitor
        self.bus = bus

    def ffmpeg(self) -> FFmpegInfo:
        return ffmpeg_info(self.settings.ffmpeg_path, self.settings.ffprobe_path)

    def __call__(self, job_id: str) -> None:
        try:
            self.run(job_id)
        except Exception:
            log.exception("job %s: unexpected failure in the runner", job_id)

    def run(self, job_id: str) -> None:
        worker = worker_identity()
        self.monitor.reserve(job_id)
        try:
            claim = self.store.claim(job_id, worker, self._attempt_paths)
            if claim is None:
                later = self.store.deferred(job_id)
                if later is not None:
                    self.store.send([later])
                return
            ctx = self._context(claim)
            self.monitor.register(claim.job_id, worker, ctx.cancel, ctx.deadline, claim.attempt)
        finally:
            self.monitor.release(job_id)
        try:
            self._execute(claim, ctx)
        finally:
            self.monitor.unregister(claim.job_id)
            archive_attempt_logs(
                self.storage, self.store, claim.job_id, claim.attempt, claim.attempt_id, ctx.log_dir
            )

    def _scratch(self, job_id: str, attempt: int) -> Path:
        return self.settings.scratch_dir / f"{job_id}-{attempt}"

    def _attempt_paths(self, job_id: str, attempt: int) -> dict[str, Any]:
        log_dir = attempt_log_dir(self.settings, job_id, attempt)
        return {
            "scratch_dir": str(self._scratch(job_id, attempt)),
            "stderr_log": str(log_dir / "attempt.stderr.log"),
            "stdout_log": str(log_dir / "attempt.stdout.log"),
        }

    def _context(self, claim: Claim) -> JobContext:
        scratch = self._scratch(claim.job_id, claim.attempt)
        log_dir = attempt_log_dir(self.settings, claim.job_id, claim.attempt)
        media = self._media(claim.media_file_id)
        job_type = self.registry.get(claim.job_type)
        try:
            timeout = job_type.timeout(
                self.registry.parse_input(claim.job_type, claim.input_json), media
            )
        except MediaDeskError:
            timeout = job_type.base_timeout_s
        cancel = CancelToken()

        def on_progress(
            percent: float | None,
            eta_s: float | None,
            speed: float | None,
            done: int | None = None,
            total: int | None = None,
        ) -> None:
            self.monitor.progress(claim.job_id, percent, eta_s, speed, done, total)

        def on_start(pid: int) -> None:
            self.store.set_attempt_fields(claim.attempt_id, process_group=pid)

        return JobContext(
            job_id=claim.job_id,
            job_type=claim.job_type,
            attempt=claim.attempt,
            media=media,
            settings=self.settings,
            db=self.db,
            storage=self.storage,
            ffmpeg=self.ffmpeg(),
            scratch=scratch,
            log_dir=log_dir,
            cancel=cancel,
            deadline=time.monotonic() + timeout,
            on_progress=on_progress,
            on_process_start=on_start,
        )

    def _media(self, media_id: str | None) -> MediaFileView | None:
        if media_id is None:
            return None
        with self.db.read() as s:
            try:
                return MediaFileView.of(get_media_row(s, media_id), detail=True)
            except MediaDeskError:
                return None

    def _execute(self, claim: Claim, ctx: JobContext) -> None:
        job_type = self.registry.get(claim.job_type)
        ctx.scratch.mkdir(parents=True, exist_ok=True)
        ctx.note(
            f"attempt {claim.attempt} of {claim.job_type} job {claim.job_id} on {claim.worker}"
        )
        try:
            if job_type.needs_media and ctx.media is None:
                raise InvalidInput(
                    "the job's media file no longer exists", code=ErrorCode.NOT_FOUND
                )
            inp = self.registry.parse_input(claim.job_type, claim.input_json)
            outcome = job_type.run(ctx, inp)
            ctx.check_cancelled()
            if not self.store.owns(claim):
                ctx.note("lease lost (another worker took the job over); nothing published")
                return
            self._publish(outcome)
        except MediaDeskError as exc:
            self._failed(claim, ctx, exc)
            return
        except OSError as exc:
            self._failed(claim, ctx, storage_error(exc, f"running {claim.job_type}"))
            return
        except Exception as exc:
            ctx.note("internal error:\n" + traceback.format_exc())
            self._failed(
                claim, ctx, TransientError(f"internal error: {exc}", code=ErrorCode.INTERNAL)
            )
            return
        fields = self._attempt_fields(ctx)
        # Everything is published: the scratch goes before the job reads COMPLETED, so
        # whoever sees it completed never sees its scratch still there.
        shutil.rmtree(ctx.scratch, ignore_errors=True)
        # The line goes in before the commit: whoever sees the job completed and opens
        # its log finds the log complete (written after, a reader could miss it).
        ctx.note("completed")
        if not self.store.complete(claim, outcome, fields):
            ctx.note("not recorded: another worker had taken the job over")

    def _publish(self, outcome: Outcome) -> None:
        for spec in outcome.publish:
            names = {p.name for p in spec.src_dir.iterdir()} if spec.prune else set()
            self.storage.publish_tree(spec.src_dir, spec.prefix, spec.entry_last)
            if spec.prune:
                prune_stale(self.storage, spec.prefix, names | set(spec.keep))
            for name in spec.drop:
                self.storage.delete_prefix(f"{spec.prefix}/{name}")

    def _failed(self, claim: Claim, ctx: JobContext, exc: MediaDeskError) -> None:
        ctx.note(f"failed: {exc.code}: {exc.message}")
        fields = self._attempt_fields(ctx)
        if exc.code == ErrorCode.DISK_FULL:
            # Half-written outputs hold the very space the retry needs (the attempt
            # row keeps the scratch manifest for the record). Removed before the
            # failure is recorded, so whoever sees the failed attempt also sees the
            # space given back.
            shutil.rmtree(ctx.scratch, ignore_errors=True)
            ctx.note("scratch removed to give the space back")
        status = self.store.fail(claim, exc, fields)
        ctx.note(f"job is now {status}")
        log.info(
            "job %s (%s) attempt %d failed: %s -> %s",
            claim.job_id,
            claim.job_type,
            claim.attempt,
            exc,
            status,
        )

    def _attempt_fields(self, ctx: JobContext) -> dict[str, Any]:
        last = ctx.last_result
        return {
            "commands": [c.as_json() for c in ctx.commands],
            "exit_code": last.exit_code if last else None,
            "stderr_tail": last.stderr_tail if last else None,
            "encoder": ctx.encoder,
            "details": ctx.details or None,
            "scratch_manifest": scratch_manifest(ctx.scratch),
        }


def scratch_manifest(scratch: Path) -> list[dict[str, Any]]:
    if not scratch.is_dir():
        return []
    items = []
    for path in walk_files(scratch):
        items.append({"path": path.relative_to(scratch).as_posix(), "size": path.stat().st_size})
        if len(items) >= MANIFEST_LIMIT:
            break
    return items
