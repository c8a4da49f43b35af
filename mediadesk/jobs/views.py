"""Typed views of jobs and their attempts (stable JSON for ``jobs ... --json``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mediadesk.domain.enums import JobStatus
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.library.views import MediaFileView, View


class CommandView(View):
    argv: list[str]
    exit_code: int
    duration_s: float
    started_at: str
    cancelled: bool = False
    timed_out: bool = False


class AttemptView(View):
    number: int
    outcome: str
    worker: str
    host: str
    encoder: str | None
    exit_code: int | None
    error_code: str | None
    error_message: str | None
    stderr_tail: str | None
    commands: list[CommandView]
    stdout_log: str | None
    stderr_log: str | None
    scratch_dir: str | None
    scratch_manifest: list[dict[str, Any]] | None
    details: dict[str, Any] | None
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, row: JobAttempt) -> AttemptView:
        return cls(
            number=row.number,
            outcome=row.outcome,
            worker=row.worker,
            host=row.host,
            encoder=row.encoder,
            exit_code=row.exit_code,
            error_code=row.error_code,
            error_message=row.error_message,
            stderr_tail=row.stderr_tail,
            commands=[CommandView.model_validate(c) for c in row.commands or []],
            stdout_log=row.stdout_log,
            stderr_log=row.stderr_log,
            scratch_dir=row.scratch_dir,
            scratch_manifest=row.scratch_manifest,
            details=row.details,
            started_at=row.started_at,
            finished_at=row.finished_at,
        )


class JobView(View):
    id: str
    type: str
    status: JobStatus
    queue: str
    priority: int
    attempts: int
    max_attempts: int
    lost_attempts: int
    media_file_id: str | None
    parent_id: str | None
    pipeline: bool
    progress: float | None
    eta_seconds: float | None
    cancel_requested: bool
    error_code: str | None
    error_message: str | None
    run_after: datetime | None
    locked_by: str | None
    heartbeat_at: datetime | None
    input: dict[str, Any]
    result: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    attempt_history: list[AttemptView] | None = None

    @classmethod
    def of(cls, row: Job, detail: bool = False) -> JobView:
        return cls(
            id=row.id,
            type=row.type,
            status=row.status,
            queue=row.queue,
            priority=row.priority,
            attempts=row.attempts,
            max_attempts=row.max_attempts,
            lost_attempts=row.lost_attempts,
            media_file_id=row.media_file_id,
            parent_id=row.parent_id,
            pipeline=row.pipeline,
            progress=row.progress,
            eta_seconds=row.eta_seconds,
            cancel_requested=row.cancel_requested,
            error_code=row.error_code,
            error_message=row.error_message,
            run_after=row.run_after,
            locked_by=row.locked_by,
            heartbeat_at=row.heartbeat_at,
            input=row.input_json or {},
            result=row.result_json,
            created_at=row.created_at,
            updated_at=row.updated_at,
            started_at=row.started_at,
            completed_at=row.completed_at,
            attempt_history=[AttemptView.of(a) for a in row.attempt_rows] if detail else None,
        )


class PurgeReport(View):
    jobs: int
    log_dirs: int
    artifacts: int
    storage_objects: int


class DerivedReport(View):
    """A job that makes a new media file (``master``), and that file once it exists."""

    job: JobView
    media: MediaFileView | None
