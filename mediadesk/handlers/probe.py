"""``probe``: read the original again, store typed probe data, start the pipeline."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.orm import Session

from mediadesk.engine.probe import probe_file
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import JobSpec, Outcome
from mediadesk.library.models import MediaFile


class ProbeInput(MediaStepInput):
    # Pipeline steps to start once the probe has committed (a chain).
    then: list[str] = Field(default_factory=list)


class ProbeJob(JobType[ProbeInput]):
    name = "probe"
    input_model = ProbeInput
    base_timeout_s = 180.0

    def run(self, ctx: JobContext, inp: ProbeInput) -> Outcome:
        media = media_of(ctx)
        path, container = open_original(ctx)
        info = probe_file(path, ctx.ffmpeg.ffprobe, container)
        ctx.report(100.0, 0.0)

        def store_probe(session: Session) -> None:
            row = session.get(MediaFile, media.id)
            if row is not None:
                row.apply_probe(info)

        follow_ups = [
            JobSpec(
                type=step,
                input=MediaStepInput(media_file_id=media.id),
                media_file_id=media.id,
                pipeline=True,
            )
            for step in inp.then
        ]
        return Outcome(
            result={
                "container": info.container,
                "duration": info.duration,
                "streams": len(info.streams),
            },
            apply=[store_probe],
            follow_ups=follow_ups,
        )
