"""Songs whose tags an older build read, queued to be read again (``read_tags`` jobs).

The library host (the app, ``mediadesk serve``) calls :func:`queue_old_tags` when its
workers start: audio files whose ``tags_revision`` is older than the probe's
``TAGS_REVISION`` are read again in batches, behind everything people asked for, so an
upgraded library learns its songs' artists, albums and track numbers without a
"Re-run processing" of each. Nothing is queued while such jobs are still waiting, so a
restart does not queue the same files twice.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from mediadesk.domain.enums import JobStatus, MediaKind
from mediadesk.domain.mediainfo import READ_TAGS, TAGS_REVISION
from mediadesk.jobs.models import Job
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.store import JobStore
from mediadesk.library.models import MediaFile

# Below the default (0): imports and their pipelines first, this when the queue is idle.
PRIORITY = -10


def queue_old_tags(store: JobStore) -> int:
    """Queue the songs an older probe read; returns how many files were queued."""
    # Here, not at the top: the runtime imports this module when the app starts, and job
    # types load on first use (see handlers.default_registry).
    from mediadesk.handlers.song_tags import BATCH_FILES, ReadTagsInput

    with store.unit_of_work() as uow:
        s = uow.session
        waiting = s.scalar(
            select(Job.id)
            .where(Job.type == READ_TAGS, Job.status.in_((JobStatus.PENDING, JobStatus.PROCESSING)))
            .limit(1)
        )
        if waiting is not None:
            return 0
        ids = list(
            s.scalars(
                select(MediaFile.id)
                .where(
                    MediaFile.kind == MediaKind.AUDIO,
                    MediaFile.probe.is_not(None),
                    MediaFile.deleted_at.is_(None),
                    MediaFile.missing_since.is_(None),
                    or_(
                        MediaFile.tags_revision.is_(None),
                        MediaFile.tags_revision < TAGS_REVISION,
                    ),
                )
                .order_by(MediaFile.created_at, MediaFile.id)
            )
        )
        for start in range(0, len(ids), BATCH_FILES):
            batch = ids[start : start + BATCH_FILES]
            spec = JobSpec(
                type=READ_TAGS, input=ReadTagsInput(media_file_ids=batch), priority=PRIORITY
            )
            store.add(uow, spec)
    return len(ids)
