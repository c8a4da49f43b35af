"""Typed views of jobs and their attempts (stable JSON for ``jobs ... --json``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, field_validator

from mediadesk.domain.enums import JobStatus
from mediadesk.jobs.models import Job
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

    @field_validator("commands", mode="before")
    @classmethod
    def _no_commands(cls, value: list[Any] | None) -> list[Any]:
        return value or []


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
    input: dict[str, Any] = Field(validation_alias="input_json")
    result: dict[str, Any] | None = Field(validation_alias="result_json")
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    attempt_history: list[AttemptView] | None = None

    @classmethod
    def detailed(cls, row: Job) -> JobView:
        """With every attempt (``attempt_rows`` is read only here: lists stay one query)."""
        attempts = [AttemptView.model_validate(a) for a in row.attempt_rows]
        return cls.model_validate(row).model_copy(update={"attempt_history": attempts})


class PurgeReport(View):
    jobs: int
    log_dirs: int
    artifacts: int
    storage_objects: int


class DerivedReport(View):
    """A job that makes a new media file (``master``), and that file once it exists."""

    job: JobView
    media: MediaFileView | None
