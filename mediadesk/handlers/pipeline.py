"""The default pipeline a new media file gets: probe first, the rest chained after it."""

from __future__ import annotations

import logging

from mediadesk.domain.enums import MediaKind
from mediadesk.handlers.probe import ProbeInput
from mediadesk.jobs.registry import JobRegistry
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.work import UnitOfWork
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
    """Plans a new media file's jobs in the same unit of work that creates the file."""

    def __init__(self, store: JobStore, registry: JobRegistry, settings: Settings) -> None:
        self.store = store
        self.registry = registry
        self.settings = settings

    def steps_for(self, kind: MediaKind) -> list[str]:
        steps = pipeline_steps(self.settings, self.registry, kind)
        if (
            self.settings.health_check_on_import
            and kind != MediaKind.IMAGE
            and "health_check" not in steps
        ):
            steps.append("health_check")  # a verdict, never a failure of the pipeline
        return steps

    def plan(self, uow: UnitOfWork, media: MediaFile) -> list[str]:
        """Add the file's pipeline (probe first, the rest chained after it) to ``uow``."""
        steps = [s for s in self.steps_for(media.kind) if s != "probe"]
        spec = JobSpec(
            type="probe",
            input=ProbeInput(media_file_id=media.id, then=steps),
            media_file_id=media.id,
            pipeline=True,
        )
        return [self.store.add(uow, spec).id]
