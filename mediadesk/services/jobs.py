"""Jobs as the shells see them: list, inspect, cancel, retry, replay, purge, logs, wait."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import JobStatus
from mediadesk.errors import Conflict, InvalidInput, NotFound
from mediadesk.events import JobStateChanged
from mediadesk.jobs.logs import (
    MAX_CHUNK,
    LogChunk,
    chunk_of,
    is_stored_pointer,
    job_log_root,
    read_log,
)
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.jobs.monitor import JobMonitor
from mediadesk.jobs.outcomes import refresh_media_status
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.views import JobView, PurgeReport
from mediadesk.jobs.work import TERMINAL, UnitOfWork, Wakeup
from mediadesk.library.db import Database
from mediadesk.library.models import Artifact
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import Page
from mediadesk.settings import Settings
from mediadesk.storage import keys
from mediadesk.storage.base import Storage


class JobService:
    def __init__(
        self,
        db: Database,
        store: JobStore,
        settings: Settings,
        storage: Storage,
        monitor: JobMonitor,
    ) -> None:
        self.db = db
        self.store = store
        self.settings = settings
        self.storage = storage
        self.monitor = monitor

    # Reading ----------------------------------------------------------------------

    def submit(self, spec: JobSpec) -> JobView:
        (job_id,) = self.store.enqueue([spec])
        return self.get(job_id)

    def submit_input(
        self,
        job_type: str,
        data: dict[str, Any],
        media_file_id: str | None = None,
        priority: int = 0,
    ) -> JobView:
        """A job from outside (``POST /api/v1/jobs``): its input is checked against its
        type now, so a bad field is refused at once, by name, not when it runs.

        The media file may be named in the input (``media_file_id``) or beside it; if
        both, they must agree; it must exist and not be deleted.
        """
        kind = self.store.registry.get(job_type)  # an unknown type is refused here
        data = dict(data)
        if "media_file_id" in kind.input_model.model_fields:
            nested = data.get("media_file_id")
            if media_file_id and nested and nested != media_file_id:
                raise InvalidInput(
                    "media_file_id: the input and mediaFileId name different media files"
                )
            if nested is None and media_file_id:
                data["media_file_id"] = media_file_id
            media_file_id = media_file_id or (nested if isinstance(nested, str) else None)
        parsed = self.store.registry.parse_input(job_type, kind.prepare(data))
        if kind.needs_media and not media_file_id:
            raise InvalidInput(f"media_file_id: a {job_type} job works on a media file")
        if media_file_id:
            with self.db.read() as s:
                get_media_row(s, media_file_id)  # NotFound, for a deleted one too
        spec = JobSpec(type=job_type, input=parsed, media_file_id=media_file_id, priority=priority)
        return self.submit(spec)

    def submit_many(self, specs: Iterable[JobSpec]) -> list[str]:
        """Several jobs in one transaction (all or none); returns their ids."""
        return self.store.enqueue(specs)

    def list_jobs(
        self,
        status: JobStatus | None = None,
        job_type: str | None = None,
        media_file_id: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> Page[JobView]:
        cond = []
        if status is not None:
            cond.append(Job.status == status)
        if job_type:
            cond.append(Job.type == job_type)
        if media_file_id:
            cond.append(Job.media_file_id == media_file_id)
        limit = max(1, min(limit, 1000))
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(Job).where(*cond)) or 0
            rows = s.scalars(
                select(Job)
                .where(*cond)
                .order_by(Job.created_at.desc(), Job.id)
                .offset(max(0, offset))
                .limit(limit)
            )
            items = [JobView.model_validate(j) for j in rows]
        return Page[JobView](items=items, total=total, offset=offset, limit=limit)

    def get(self, job_id: str) -> JobView:
        with self.db.read() as s:
            job = s.scalar(
                select(Job).where(Job.id == job_id).options(selectinload(Job.attempt_rows))
            )
            if job is None:
                raise NotFound(f"no job {job_id}")
            return JobView.detailed(job)

    def counts(self) -> dict[str, int]:
        with self.db.read() as s:
            rows = s.execute(select(Job.status, func.count()).group_by(Job.status)).all()
        counts = {str(status): 0 for status in JobStatus}
        counts.update({str(status): n for status, n in rows})
        return counts

    def log(
        self, job_id: str, attempt: int | None = None, stream: str = "stderr", offset: int = 0
    ) -> LogChunk:
        if stream not in ("stderr", "stdout"):
            raise InvalidInput("stream must be stderr or stdout")
        pointer = self._log_pointer(job_id, attempt, stream)
        if pointer and is_stored_pointer(pointer):
            return self._stored_log(pointer, offset)
        chunk = read_log(Path(pointer) if pointer else None, offset)
        if pointer and not chunk.exists:
            # The worker may have archived the log to the store (and removed the local
            # file) between our reading the pointer and the file: follow the new pointer.
            moved = self._log_pointer(job_id, attempt, stream)
            if moved and moved != pointer and is_stored_pointer(moved):
                return self._stored_log(moved, offset)
        return chunk

    def _log_pointer(self, job_id: str, attempt: int | None, stream: str) -> str | None:
        with self.db.read() as s:
            q = select(JobAttempt).where(JobAttempt.job_id == job_id)
            q = q.where(JobAttempt.number == attempt) if attempt else q
            row = s.scalar(q.order_by(JobAttempt.number.desc()).limit(1))
            if row is None:
                if s.get(Job, job_id) is None:
                    raise NotFound(f"no job {job_id}")
                return None
            return row.stderr_log if stream == "stderr" else row.stdout_log

    def _stored_log(self, key: str, offset: int) -> LogChunk:
        """A finished attempt's log, archived in the store by its worker."""
        try:
            raw, size = self.storage.read_range(key, offset, MAX_CHUNK)
        except FileNotFoundError:
            return read_log(None, offset)
        return chunk_of(raw, max(0, min(offset, size)), size)

    def wait(
        self,
        job_ids: Iterable[str],
        timeout: float | None = None,
        on_tick: Callable[[list[JobView]], None] | None = None,
        poll_s: float = 0.2,
    ) -> list[JobView]:
        """Block until every job is terminal (or ``timeout``); returns their views."""
        ids = list(job_ids)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self.db.read() as s:
                rows = {
                    j.id: JobView.model_validate(j)
                    for j in s.scalars(select(Job).where(Job.id.in_(ids)))
                }
            views = [rows[i] for i in ids if i in rows]
            if on_tick is not None:
                on_tick(views)
            if all(v.status in TERMINAL for v in views):
                return views
            if deadline is not None and time.monotonic() > deadline:
                return views
            time.sleep(poll_s)

    def jobs_of_media(self, media_file_id: str) -> list[str]:
        with self.db.read() as s:
            return list(s.scalars(select(Job.id).where(Job.media_file_id == media_file_id)))

    # Changing ---------------------------------------------------------------------

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        """A write transaction for services that change jobs with other rows."""
        return self.store.unit_of_work()

    def cancel(self, job_id: str) -> JobView:
        with self.store.unit_of_work() as uow:
            running = self.store.cancel(uow, job_id, strict=True)
        self.cancel_local(running)
        return self.get(job_id)

    def cancel_for_media(self, uow: UnitOfWork, media_file_id: str) -> list[str]:
        """Cancel a media file's unfinished jobs in ``uow``; returns those that run now.

        Hand the result to :meth:`cancel_local` once ``uow`` has committed.
        """
        return self.store.cancel_unfinished(uow, media_file_id)

    def cancel_local(self, job_ids: Iterable[str]) -> None:
        """Stop jobs running in this process now (others see the flag within 0.5 s)."""
        for job_id in job_ids:
            self.monitor.cancel_local(job_id)

    def retry(self, job_id: str) -> JobView:
        return self._rerun(job_id, allowed=(JobStatus.FAILED, JobStatus.DEAD))

    def replay(self, job_id: str) -> JobView:
        """Run a finished job again from its stored input (same input, same output)."""
        return self._rerun(job_id, allowed=TERMINAL)

    def _rerun(self, job_id: str, allowed: tuple[JobStatus, ...]) -> JobView:
        with self.store.unit_of_work() as uow:
            job = uow.session.get(Job, job_id)
            if job is None:
                raise NotFound(f"no job {job_id}")
            if job.status not in allowed:
                raise Conflict(
                    f"job {job_id} is {job.status}; only {', '.join(allowed)} can run again"
                )
            job_type = self.store.registry.get(job.type)
            job.status = JobStatus.PENDING
            job.run_after = None
            job.cancel_requested = False
            job.error_code = job.error_message = None
            job.progress = job.eta_seconds = None
            job.completed_at = None
            job.max_attempts = (job.attempts - job.lost_attempts) + job_type.max_attempts
            uow.wakeups.append(Wakeup(job.id, job.queue, job.priority))
            uow.events.append(JobStateChanged(job.id, job.type, job.media_file_id, "PENDING"))
            if job.pipeline and job.media_file_id:
                uow.events.extend(refresh_media_status(uow.session, job.media_file_id))
        return self.get(job_id)

    def purge(self, job_id: str, artifacts: bool = False) -> PurgeReport:
        """Remove a finished job's record, logs and scratch (and, if asked, its outputs)."""
        with self.db.write() as s:
            job = s.get(Job, job_id)
            if job is None:
                raise NotFound(f"no job {job_id}")
            if job.status not in TERMINAL:
                raise Conflict(f"job {job_id} is {job.status}; cancel it before purging")
            keys: list[str] = []
            if artifacts:
                for art in s.scalars(select(Artifact).where(Artifact.job_id == job_id)):
                    keys.append(art.storage_key)
                    s.delete(art)
            s.delete(job)
        objects = sum(self.storage.delete_prefix(k) for k in keys)
        logs = self._remove_files(job_id)
        return PurgeReport(jobs=1, log_dirs=logs, artifacts=len(keys), storage_objects=objects)

    def purge_older_than(self, days: float) -> PurgeReport:
        if days < 0:
            raise InvalidInput("days must not be negative")
        cutoff = utcnow() - timedelta(days=days)
        with self.db.write() as s:
            jobs = list(
                s.scalars(select(Job).where(Job.status.in_(TERMINAL), Job.completed_at < cutoff))
            )
            ids = [j.id for j in jobs]
            for job in jobs:
                s.delete(job)
        logs = sum(self._remove_files(i) for i in ids)
        return PurgeReport(jobs=len(ids), log_dirs=logs, artifacts=0, storage_objects=0)

    def _remove_files(self, job_id: str) -> int:
        root = job_log_root(self.settings, job_id)
        had_local = root.exists()
        if had_local:
            shutil.rmtree(root, ignore_errors=True)
        # Archived logs of finished attempts live in the store (see jobs/log_archive.py).
        stored = self.storage.is_remote and self.storage.delete_prefix(keys.job_logs_root(job_id))
        removed = 1 if had_local or stored else 0
        if self.settings.scratch_dir.is_dir():
            for scratch in self.settings.scratch_dir.glob(f"{job_id}-*"):
                shutil.rmtree(scratch, ignore_errors=True)
        return removed
