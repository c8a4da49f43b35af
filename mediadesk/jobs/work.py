"""The small types every job operation passes around: the unit of work that carries a
write transaction's queue messages and events, a claim, a progress report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mediadesk.domain.enums import JobStatus

TERMINAL = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.DEAD)


@dataclass(frozen=True)
class Wakeup:
    """A queue message to send once the transaction that made it true has committed."""

    job_id: str
    queue: str
    priority: int
    eta: datetime | None = None


@dataclass(frozen=True)
class Progress:
    """How far a running job is, as the heartbeat records it."""

    percent: float | None = None
    eta_s: float | None = None
    done: int | None = None  # bytes, for jobs that copy or download
    total: int | None = None


@dataclass(frozen=True)
class Claim:
    job_id: str
    job_type: str
    attempt: int
    attempt_id: int
    worker: str
    input_json: dict[str, Any]
    media_file_id: str | None
    queue: str


@dataclass
class UnitOfWork:
    """One write transaction and what becomes true only when it commits.

    Every job added through it gets its queue message and a ``JobEnqueued`` event once
    the transaction has committed, and nothing at all when it rolls back: this is the
    one way into the job system (ingest, follow-ups, retries, services).
    """

    session: Session
    wakeups: list[Wakeup] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
