"""What a finished attempt writes beside the job row: its artifacts, the attempt's
record, and the media file's status derived from its pipeline jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import JobStatus, MediaStatus
from mediadesk.events import MediaChanged
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.jobs.spec import Outcome
from mediadesk.library.models import Artifact, MediaFile


def record_artifacts(s: Session, job: Job, outcome: Outcome) -> None:
    """The outcome's artifacts, replacing the kinds it replaces, in ``s``."""
    media_id = job.media_file_id
    if outcome.replaces and media_id:
        for old in s.scalars(
            select(Artifact).where(
                Artifact.media_file_id == media_id, Artifact.kind.in_(outcome.replaces)
            )
        ):
            s.delete(old)
        s.flush()
    for spec in outcome.artifacts:
        target = spec.media_file_id or media_id
        if target is None:
            continue
        s.add(
            Artifact(
                media_file_id=target,
                kind=spec.kind,
                storage_key=spec.storage_key,
                size_bytes=spec.size_bytes,
                params=spec.params,
                preset_id=spec.preset_id,
                preset_version=spec.preset_version,
                job_id=job.id,
            )
        )


def finish_attempt(
    attempt: JobAttempt, outcome: str, now: datetime, fields: dict[str, Any]
) -> None:
    attempt.outcome = outcome
    attempt.finished_at = now
    for key, value in fields.items():
        setattr(attempt, key, value)


def refresh_media_status(session: Session, media_id: str) -> list[MediaChanged]:
    """Derive a media file's status from its pipeline jobs (the only way it changes)."""
    media = session.get(MediaFile, media_id)
    if media is None:
        return []
    jobs = list(
        session.scalars(
            select(Job)
            .where(Job.media_file_id == media_id, Job.pipeline.is_(True))
            .order_by(Job.created_at)
        )
    )
    if not jobs:
        return []
    failed = [j for j in jobs if j.status in (JobStatus.FAILED, JobStatus.DEAD)]
    if failed:
        new, code, message = MediaStatus.FAILED, failed[0].error_code, failed[0].error_message
    elif all(j.status == JobStatus.COMPLETED for j in jobs):
        new, code, message = MediaStatus.READY, None, None
    elif any(j.status != JobStatus.PENDING or j.attempts > 0 for j in jobs):
        new, code, message = MediaStatus.PROCESSING, None, None
    else:
        new, code, message = MediaStatus.UPLOADED, None, None
    if (media.status, media.error_code, media.error_message) == (new, code, message):
        return []
    media.status, media.error_code, media.error_message = new, code, message
    media.updated_at = utcnow()
    return [MediaChanged(media_id, str(new))]
