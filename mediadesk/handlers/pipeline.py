"""The default pipeline a new media file gets: probe first, the rest chained after it."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.domain.enums import MediaKind
from mediadesk.handlers.probe import ProbeInput
from mediadesk.jobs.models import Job
from mediadesk.jobs.registry import JobRegistry
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.store import AfterCommit, JobStore, Wakeup
from mediadesk.library.models import MediaFile
from mediadesk.settings import Settings

log = logging.getLogger(__name__)


def pipeline_steps(settings: Settings, registry: JobRegistry, kind: MediaKind) -> list[str]:
    """The configured steps for a kind of media, less those this build does not have."""
    configured = {
        MediaKind.VIDEO: settings.pipeline_video,
        MediaKind.AUDIO: settings.pipeline_audio,
        MediaKind.IMAGE: settings.pipeline_image,
    }[kind]
    known = set(registry.names())
    steps = [s for s in configured if s in known]
    skipped = [s for s in configured if s not in known]
    if skipped:
        log.warning("pipeline steps not available in this build: %s", ", ".join(skipped))
    return steps


class PipelinePlanner:
    """Implements the ingest hook: plans jobs in the import's own transaction."""

    def __init__(self, store: JobStore, registry: JobRegistry, settings: Settings) -> None:
        self.store = store
        self.registry = registry
        self.settings = settings

    def steps_for(self, kind: MediaKind) -> list[str]:
        return pipeline_steps(self.settings, self.registry, kind)

    def on_media_created(self, session: Session, media: MediaFile) -> list[str]:
        steps = [s for s in self.steps_for(media.kind) if s != "probe"]
        spec = JobSpec(
            type="probe",
            input=ProbeInput(media_file_id=media.id, then=steps),
            media_file_id=media.id,
            pipeline=True,
        )
        job = self.store.add(session, spec, AfterCommit([], []))
        return [job.id]

    def after_commit(self, job_ids: list[str]) -> None:
        with self.store.db.read() as s:
            rows = s.execute(select(Job.id, Job.queue, Job.priority).where(Job.id.in_(job_ids)))
            wakeups = [Wakeup(i, q, p) for i, q, p in rows]
        self.store.send(wakeups)
