"""Every state change of a job, each in one short write transaction.

PENDING -> PROCESSING (claim) -> COMPLETED | PENDING (retry after backoff) | FAILED | DEAD.
A claim is a conditional UPDATE whose row count decides who runs the job, so a
duplicated or stale queue message is harmless. Completion, its artifacts, the media
file's new status and the follow-up jobs commit together; only afterwards are the
follow-ups handed to the queue (the reaper re-sends any message lost in between).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import AttemptOutcome, JobStatus
from mediadesk.errors import Conflict, ErrorCode, MediaDeskError, NotFound
from mediadesk.events import EventBus, JobEnqueued, JobStateChanged
from mediadesk.jobs import exclusive
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.jobs.outcomes import finish_attempt, record_artifacts, refresh_media_status
from mediadesk.jobs.registry import JobRegistry
from mediadesk.jobs.routing import HOSTNAME, queue_for
from mediadesk.jobs.spec import JobSpec, Outcome
from mediadesk.jobs.work import TERMINAL, Claim, Progress, UnitOfWork, Wakeup
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile
from mediadesk.settings import Settings

log = logging.getLogger(__name__)

MAX_LOST_ATTEMPTS = 5


class JobStore:
    def __init__(
        self,
        db: Database,
        registry: JobRegistry,
        settings: Settings,
        bus: EventBus,
        send: Callable[[list[Wakeup]], None],
    ) -> None:
        self.db = db
        self.registry = registry
        self.settings = settings
        self.bus = bus
        self.send = send

    # Creating ---------------------------------------------------------------------

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """A write transaction whose queue messages and events go out after its commit."""
        with self.db.write() as session:
            uow = UnitOfWork(session)
            yield uow
        self.flush(uow)

    def add(self, uow: UnitOfWork, spec: JobSpec, parent_id: str | None = None) -> Job:
        """Create a job inside the unit of work; its message goes after the commit."""
        session = uow.session
        job_type = self.registry.get(spec.type)
        data = self.registry.parse_input(spec.type, spec.input.model_dump(mode="json"))
        job = Job(
            type=spec.type,
            queue=self.queue_for(spec.type, self._in_a_folder(session, spec.media_file_id)),
            priority=spec.priority,
            max_attempts=spec.max_attempts or job_type.max_attempts,
            media_file_id=spec.media_file_id,
            parent_id=parent_id,
            pipeline=spec.pipeline,
            input_json=data.model_dump(mode="json"),
        )
        session.add(job)
        session.flush()
        uow.wakeups.append(Wakeup(job.id, job.queue, job.priority))
        uow.events.append(JobEnqueued(job.id, job.type, job.media_file_id))
        if spec.pipeline and spec.media_file_id:
            uow.events.extend(refresh_media_status(session, spec.media_file_id))
        return job

    def _in_a_folder(self, session: Session, media_file_id: str | None) -> bool:
        """The job's media file is read in place from a library folder (and folder jobs
        have a queue of their own)."""
        if media_file_id is None or not self.settings.folders_queue:
            return False
        path = session.scalar(select(MediaFile.original_path).where(MediaFile.id == media_file_id))
        return path is not None

    def queue_for(self, job_type: str, in_a_folder: bool = False) -> str:
        return queue_for(self.settings, self.registry.get(job_type), in_a_folder)

    def enqueue(self, specs: Iterable[JobSpec]) -> list[str]:
        with self.unit_of_work() as uow:
            return [self.add(uow, spec).id for spec in specs]

    def flush(self, uow: UnitOfWork) -> None:
        if uow.wakeups:
            self.send(uow.wakeups)
        for event in uow.events:
            self.bus.publish(event)

    # Running ----------------------------------------------------------------------

    def claim(
        self,
        job_id: str,
        worker: str,
        attempt_fields: Callable[[str, int], dict[str, Any]] | None = None,
    ) -> Claim | None:
        """Take the job if it is still PENDING and due; ``None`` if someone else has it.

        ``attempt_fields(job_id, number)`` fills the new attempt row in the same write.
        """
        now = utcnow()
        with self.unit_of_work() as uow:
            s = uow.session
            conditions = [
                Job.id == job_id,
                Job.status == JobStatus.PENDING,
                Job.cancel_requested.is_(False),
                (Job.run_after.is_(None)) | (Job.run_after <= now),
            ]
            conditions += exclusive.claim_conditions(s, self.registry, job_id)
            won = cast(
                CursorResult[Any],
                s.execute(
                    update(Job)
                    .where(*conditions)
                    .values(
                        status=JobStatus.PROCESSING,
                        locked_by=worker,
                        locked_at=now,
                        heartbeat_at=now,
                        attempts=Job.attempts + 1,
                        progress=0.0,
                        eta_seconds=None,
                        bytes_done=None,
                        bytes_total=None,
                        updated_at=now,
                    )
                    .execution_options(synchronize_session=False)
                ),
            ).rowcount
            if won != 1:
                return None
            job = s.get_one(Job, job_id)
            if job.started_at is None:
                job.started_at = now
            attempt = JobAttempt(
                job_id=job.id,
                number=job.attempts,
                worker=worker,
                host=HOSTNAME,
                started_at=now,
                **(attempt_fields(job.id, job.attempts) if attempt_fields else {}),
            )
            s.add(attempt)
            s.flush()
            uow.events.append(JobStateChanged(job.id, job.type, job.media_file_id, "PROCESSING"))
            if job.pipeline and job.media_file_id:
                uow.events.extend(refresh_media_status(s, job.media_file_id))
            claim = Claim(
                job.id,
                job.type,
                job.attempts,
                attempt.id,
                worker,
                dict(job.input_json),
                job.media_file_id,
                job.queue,
            )
        return claim

    def _wake_exclusive(self, uow: UnitOfWork, job: Job) -> None:
        """The jobs that waited for ``job`` to end (``jobs/exclusive.py``) go again."""
        for other in exclusive.waiting_for(uow.session, self.registry, job):
            uow.wakeups.append(Wakeup(other.id, other.queue, other.priority, other.run_after))

    def deferred(self, job_id: str) -> Wakeup | None:
        """A message arrived before ``run_after``: when should it come back?"""
        with self.db.read() as s:
            job = s.get(Job, job_id)
            if job is None or job.status != JobStatus.PENDING or job.run_after is None:
                return None
            if job.run_after <= utcnow():
                return None
            return Wakeup(job.id, job.queue, job.priority, job.run_after)

    def set_attempt_fields(self, attempt_id: int, **fields: Any) -> None:
        with self.db.write() as s:
            s.execute(update(JobAttempt).where(JobAttempt.id == attempt_id).values(**fields))

    def heartbeat(self, worker_jobs: dict[str, str], progress: dict[str, Progress]) -> set[str]:
        """Refresh leases of running jobs; return the ids whose cancel was requested."""
        if not worker_jobs:
            return set()
        now = utcnow()
        with self.db.write() as s:
            for job_id, worker in worker_jobs.items():
                state = progress.get(job_id, Progress())
                values: dict[str, Any] = {"heartbeat_at": now}
                if state.percent is not None:
                    values["progress"] = round(state.percent, 2)
                    values["eta_seconds"] = state.eta_s
                if state.done is not None:
                    values["bytes_done"] = state.done
                    values["bytes_total"] = state.total
                s.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.locked_by == worker)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
            rows = s.execute(
                select(Job.id).where(Job.id.in_(list(worker_jobs)), Job.cancel_requested.is_(True))
            )
            return {r[0] for r in rows}

    def cancel_requested(self, job_ids: Iterable[str]) -> set[str]:
        ids = list(job_ids)
        if not ids:
            return set()
        with self.db.read() as s:
            rows = s.execute(select(Job.id).where(Job.id.in_(ids), Job.cancel_requested.is_(True)))
            return {r[0] for r in rows}

    def owns(self, claim: Claim) -> bool:
        with self.db.read() as s:
            job = s.get(Job, claim.job_id)
            return (
                job is not None
                and job.status == JobStatus.PROCESSING
                and job.locked_by == claim.worker
                and job.attempts == claim.attempt
            )

    # Finishing --------------------------------------------------------------------

    def complete(self, claim: Claim, outcome: Outcome, attempt_fields: dict[str, Any]) -> bool:
        """Commit a successful attempt. False when the lease was lost meanwhile."""
        now = utcnow()
        with self.unit_of_work() as uow:
            s = uow.session
            job = s.get_one(Job, claim.job_id)
            attempt = s.get_one(JobAttempt, claim.attempt_id)
            finish_attempt(attempt, AttemptOutcome.SUCCEEDED, now, attempt_fields)
            if job.locked_by != claim.worker or job.status != JobStatus.PROCESSING:
                attempt.outcome = AttemptOutcome.INTERRUPTED
                attempt.error_code = ErrorCode.WORKER_LOST
                attempt.error_message = "lease lost before commit; result discarded"
                return False
            record_artifacts(s, job, outcome)
            follow_ups = list(outcome.follow_ups)
            for apply in outcome.apply:
                follow_ups += apply(s) or []
            # A replayed job does not start its follow-ups twice; one whose media file
            # is new (e.g. a master re-created after a purge) is started all the same.
            started = {
                (kind, media)
                for kind, media in s.execute(
                    select(Job.type, Job.media_file_id).where(Job.parent_id == job.id)
                )
            }
            for spec in follow_ups:
                if (spec.type, spec.media_file_id) not in started:
                    self.add(uow, spec, parent_id=job.id)
            job.status = JobStatus.COMPLETED
            job.result_json = outcome.result
            job.error_code = job.error_message = None
            job.locked_by = None
            job.progress, job.eta_seconds = 100.0, 0.0
            job.completed_at = now
            uow.events.append(JobStateChanged(job.id, job.type, job.media_file_id, "COMPLETED"))
            self._wake_exclusive(uow, job)
            if job.pipeline and job.media_file_id:
                uow.events.extend(refresh_media_status(s, job.media_file_id))
        return True

    def fail(
        self, claim: Claim, error: MediaDeskError, attempt_fields: dict[str, Any]
    ) -> JobStatus:
        now = utcnow()
        with self.unit_of_work() as uow:
            s = uow.session
            job = s.get_one(Job, claim.job_id)
            attempt = s.get_one(JobAttempt, claim.attempt_id)
            outcome = (
                AttemptOutcome.CANCELLED
                if error.code == ErrorCode.CANCELLED
                else AttemptOutcome.FAILED
            )
            interrupted = error.code == ErrorCode.WORKER_LOST
            finish_attempt(
                attempt, AttemptOutcome.INTERRUPTED if interrupted else outcome, now, attempt_fields
            )
            attempt.error_code, attempt.error_message = str(error.code), error.message
            if job.locked_by != claim.worker or job.status != JobStatus.PROCESSING:
                return job.status
            if interrupted:
                job.lost_attempts += 1
            self.settle(uow, job, error, now)
            self._wake_exclusive(uow, job)
            if job.pipeline and job.media_file_id:
                uow.events.extend(refresh_media_status(s, job.media_file_id))
            status = job.status
        return status

    def settle(self, uow: UnitOfWork, job: Job, error: MediaDeskError, now: datetime) -> None:
        """Decide what a failed attempt means for the job: retry, FAILED or DEAD."""
        used = job.attempts - job.lost_attempts
        job.locked_by = None
        job.error_code, job.error_message = str(error.code), error.message
        job.progress = job.eta_seconds = None
        if error.code == ErrorCode.CANCELLED:
            job.status, job.completed_at = JobStatus.FAILED, now
            job.cancel_requested = False
        elif error.retryable and used < job.max_attempts and job.lost_attempts < MAX_LOST_ATTEMPTS:
            job.status = JobStatus.PENDING
            job.run_after = now + timedelta(seconds=self.backoff(used, error))
            uow.wakeups.append(Wakeup(job.id, job.queue, job.priority, job.run_after))
        elif error.retryable:
            job.status, job.completed_at = JobStatus.DEAD, now
        else:
            job.status, job.completed_at = JobStatus.FAILED, now
        uow.events.append(
            JobStateChanged(
                job.id, job.type, job.media_file_id, str(job.status), str(error.code), error.message
            )
        )

    def reclaim(self, job_id: str, owner: str, reason: str) -> bool:
        """Take a job back from a worker that died; False if it is alive after all."""
        now = utcnow()
        with self.unit_of_work() as uow:
            s = uow.session
            job = s.get(Job, job_id)
            if job is None or job.status != JobStatus.PROCESSING or job.locked_by != owner:
                return False
            attempt = s.scalar(
                select(JobAttempt).where(
                    JobAttempt.job_id == job_id, JobAttempt.number == job.attempts
                )
            )
            if attempt is not None and attempt.finished_at is None:
                attempt.outcome = AttemptOutcome.INTERRUPTED
                attempt.finished_at = now
                attempt.error_code = ErrorCode.WORKER_LOST
                attempt.error_message = reason
            job.lost_attempts += 1
            error = MediaDeskError(reason, code=ErrorCode.WORKER_LOST, retryable=True)
            self.settle(uow, job, error, now)
            if job.pipeline and job.media_file_id:
                uow.events.extend(refresh_media_status(s, job.media_file_id))
        log.warning("job %s reclaimed from %s: %s", job_id, owner, reason)
        return True

    # Cancelling -------------------------------------------------------------------

    def cancel(self, uow: UnitOfWork, job_id: str, strict: bool) -> list[str]:
        """Cancel one job in ``uow``: a PENDING job ends FAILED/CANCELLED at once, a
        PROCESSING one gets the flag its worker polls. Returns the ids now running."""
        job = uow.session.get(Job, job_id)
        if job is None:
            raise NotFound(f"no job {job_id}")
        if job.status == JobStatus.PENDING:
            job.status, job.completed_at = JobStatus.FAILED, utcnow()
            job.error_code, job.error_message = str(ErrorCode.CANCELLED), "cancelled before it ran"
            uow.events.append(
                JobStateChanged(
                    job.id, job.type, job.media_file_id, "FAILED", job.error_code, job.error_message
                )
            )
            if job.pipeline and job.media_file_id:
                uow.events.extend(refresh_media_status(uow.session, job.media_file_id))
            return []
        if job.status == JobStatus.PROCESSING:
            job.cancel_requested = True
            return [job.id]
        if strict:
            raise Conflict(f"job {job_id} already finished ({job.status})")
        return []

    def cancel_unfinished(self, uow: UnitOfWork, media_file_id: str) -> list[str]:
        """Cancel every unfinished job of a media file (before it is deleted, say)."""
        unfinished = uow.session.scalars(
            select(Job.id).where(Job.media_file_id == media_file_id, Job.status.not_in(TERMINAL))
        ).all()
        return [running for job_id in unfinished for running in self.cancel(uow, job_id, False)]

    def backoff(self, attempts_used: int, error: MediaDeskError) -> float:
        if error.code == ErrorCode.WORKER_LOST:
            return 0.0  # the work was fine; the worker was not
        base = self.settings.retry_base_delay * float(2 ** max(0, attempts_used - 1))
        return min(self.settings.retry_max_delay, base) * random.uniform(0.75, 1.25)
