"""Jobs that rewrite one resource of a media file whole run one at a time for that file.

A ladder made again and a seek-thumbnails step both rewrite the master playlist from
what they read when they started: side by side, the later publish drops the other's
lines. Job types name such a resource (``JobType.exclusive``); a claim adds
``claim_conditions`` to its ``UPDATE``, and a job that ends wakes the ones that
waited for it (``waiting_for``). A refused job stays PENDING without spending an
attempt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from mediadesk.domain.enums import JobStatus
from mediadesk.jobs.models import Job
from mediadesk.jobs.registry import JobRegistry
from mediadesk.library.models import MediaFile


def sharing(registry: JobRegistry, job_type: str) -> list[str]:
    """The job types that name the same exclusive resource as ``job_type``."""
    names = registry.names()
    resource = registry.get(job_type).exclusive if job_type in names else None
    if resource is None:
        return []
    return [n for n in names if registry.get(n).exclusive == resource]


def claim_conditions(s: Session, registry: JobRegistry, job_id: str) -> list[Any]:
    """For a claim of ``job_id``: no other job rewriting the same resource of its media
    file is running. The media row's lock orders two such claims on PostgreSQL (SQLite
    writes one transaction at a time)."""
    row = s.execute(select(Job.type, Job.media_file_id).where(Job.id == job_id)).one_or_none()
    siblings = sharing(registry, row.type) if row is not None and row.media_file_id else []
    if row is None or not siblings:
        return []
    s.execute(select(MediaFile.id).where(MediaFile.id == row.media_file_id).with_for_update())
    other = aliased(Job)
    running = (
        select(other.id)
        .where(
            other.media_file_id == row.media_file_id,
            other.type.in_(siblings),
            other.status == JobStatus.PROCESSING,
            other.id != job_id,
        )
        .exists()
    )
    return [~running]


def waiting_for(s: Session, registry: JobRegistry, job: Job) -> list[Job]:
    """The PENDING jobs that may have waited for ``job`` (same file, same resource)."""
    siblings = sharing(registry, job.type) if job.media_file_id else []
    if not siblings:
        return []
    return list(
        s.scalars(
            select(Job).where(
                Job.media_file_id == job.media_file_id,
                Job.type.in_(siblings),
                Job.status == JobStatus.PENDING,
                Job.id != job.id,
            )
        )
    )
