"""Subtitle files added while a ladder is being made.

The ``hls`` job reads the media file's subtitle files when it starts and makes their
renditions itself. A subtitle file added (or removed) after that start must not be
lost, and its ``subtitles`` job must not burn its retries waiting for an encode that
may take an hour: it hands over to the ladder, and the ladder, in the transaction that
completes it, sees what changed meanwhile and queues one ``subtitles`` job.
"""

from __future__ import annotations

from collections.abc import Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.domain.enums import JobStatus
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.models import Job
from mediadesk.jobs.spec import ApplyFn, JobSpec
from mediadesk.library.models import SubtitleFile

LADDER = "hls"
SUBTITLES = "subtitles"


def subtitles_spec(media_id: str) -> JobSpec:
    return JobSpec(
        type=SUBTITLES, input=MediaStepInput(media_file_id=media_id), media_file_id=media_id
    )


def _unfinished(s: Session, media_id: str, job_type: str, *statuses: JobStatus) -> bool:
    """A job of ``job_type`` for the media file is in one of ``statuses``."""
    found = s.scalar(
        select(Job.id)
        .where(Job.media_file_id == media_id, Job.type == job_type, Job.status.in_(statuses))
        .limit(1)
    )
    return found is not None


def ladder_unfinished(s: Session, media_id: str) -> bool:
    """A ladder for the media file is queued or running (it will carry the subtitles)."""
    return _unfinished(s, media_id, LADDER, JobStatus.PENDING, JobStatus.PROCESSING)


def ladder_under_way(ctx: JobContext, media_id: str) -> bool:
    with ctx.db.read() as s:
        return ladder_unfinished(s, media_id)


def late_subtitles(media_id: str, used: Set[str]) -> ApplyFn:
    """An ``Outcome.apply`` step for the ladder: when the media file's subtitle files
    are no longer the ones it started with, one ``subtitles`` job follows it.

    It runs inside the completing transaction, so a file added before that commit is
    seen here, and one added after it finds the ladder completed and its ``subtitles``
    job does the work.
    """

    def apply(session: Session) -> list[JobSpec]:
        now = set(
            session.scalars(select(SubtitleFile.id).where(SubtitleFile.media_file_id == media_id))
        )
        # A subtitles job that waited for this ladder (they never run side by side)
        # reads the files when it starts: it does the work, no second one is needed.
        waiting = _unfinished(session, media_id, SUBTITLES, JobStatus.PENDING)
        return [subtitles_spec(media_id)] if now != set(used) and not waiting else []

    return apply
