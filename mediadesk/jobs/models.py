"""Job records: the source of truth for all media work (the queue only wakes workers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediadesk.domain.enums import AttemptOutcome, JobStatus
from mediadesk.library.base import ID, Base, UTCDateTime, new_id, utcnow
from mediadesk.library.models import enum_column


class Job(Base):
    __tablename__ = "media_jobs"
    __table_args__ = (
        Index("ix_media_jobs_status_run_after", "status", "run_after"),
        Index("ix_media_jobs_media_file_id", "media_file_id"),
        Index("ix_media_jobs_created_at", "created_at"),
        # The imports list (one or two job types, newest first) reads this index only.
        Index("ix_media_jobs_type_created_at", "type", "created_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    type: Mapped[str] = mapped_column(String(64))
    queue: Mapped[str] = mapped_column(String(64), default="default")
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.PENDING)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    # Attempts lost to a dead worker (SIGKILL, power cut): counted apart so that a
    # crash does not use up a job's retries, yet a job that kills workers still ends.
    lost_attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    locked_by: Mapped[str | None] = mapped_column(String(255), default=None)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    media_file_id: Mapped[str | None] = mapped_column(
        ForeignKey("media_files.id", ondelete="SET NULL"), default=None
    )
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("media_jobs.id", ondelete="SET NULL"), default=None, index=True
    )
    # Pipeline jobs decide the media file's status; others (mastering, loudness) don't.
    pipeline: Mapped[bool] = mapped_column(Boolean, default=False)
    input_json: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result_json: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    progress: Mapped[float | None] = mapped_column(Float, default=None)
    eta_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    # For jobs whose work is moving bytes (downloads, copies): how many, of how many.
    bytes_done: Mapped[int | None] = mapped_column(BigInteger, default=None)
    bytes_total: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    attempt_rows: Mapped[list[JobAttempt]] = relationship(
        back_populates="job",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="JobAttempt.number",
    )


class JobAttempt(Base):
    __tablename__ = "media_job_attempts"
    __table_args__ = (UniqueConstraint("job_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("media_jobs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED (worker lost or shut down)
    outcome: Mapped[str] = mapped_column(String(16), default=AttemptOutcome.RUNNING)
    worker: Mapped[str] = mapped_column(String(255))
    host: Mapped[str] = mapped_column(String(255))
    process_group: Mapped[int | None] = mapped_column(Integer, default=None)
    encoder: Mapped[str | None] = mapped_column(String(64), default=None)
    exit_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    stderr_tail: Mapped[str | None] = mapped_column(Text, default=None)
    # Every process the attempt ran: argv, exit code, timings, its log files.
    commands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Pointers only: files under MEDIADESK_HOME/logs or keys in the storage backend.
    stdout_log: Mapped[str | None] = mapped_column(String(1024), default=None)
    stderr_log: Mapped[str | None] = mapped_column(String(1024), default=None)
    scratch_dir: Mapped[str | None] = mapped_column(String(1024), default=None)
    scratch_manifest: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    job: Mapped[Job] = relationship(back_populates="attempt_rows")
