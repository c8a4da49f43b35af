"""``probe``: read the original again, store typed probe data, start the pipeline."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.orm import Session

from mediadesk.engine.interlace import check_interlace
from mediadesk.engine.probe import probe_file
from mediadesk.handlers.common import folder_cover, media_of, open_original
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import JobSpec, Outcome
from mediadesk.library.models import MediaFile

# Steps that read the ladder's own output (its segments, its master playlist), so they
# start once ``hls`` has published, not beside it.
AFTER_LADDER = ("preview", "trickplay")


class ChainInput(MediaStepInput):
    """A step that starts ``then`` once it has committed."""

    then: list[str] = Field(default_factory=list)


def step_spec(media_id: str, step: str, then: list[str]) -> JobSpec:
    return JobSpec(
        type=step,
        input=ChainInput(media_file_id=media_id, then=then)
        if then
        else MediaStepInput(media_file_id=media_id),
        media_file_id=media_id,
        pipeline=True,
    )


def chained(media_id: str, steps: list[str]) -> list[JobSpec]:
    """The probe's follow-ups: every step at once, except those after the ladder."""
    later = [s for s in steps if s in AFTER_LADDER] if "hls" in steps else []
    return [
        step_spec(media_id, step, later if step == "hls" else [])
        for step in steps
        if step not in later
    ]


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
        info = check_interlace(ctx.ffmpeg.ffmpeg, path, container, info)
        if info.deinterlace:
            ctx.note(f"interlaced ({info.deinterlace}), confirmed by idet: deinterlacing")
        ctx.report(100.0, 0.0)

        def store_probe(session: Session) -> None:
            row = session.get(MediaFile, media.id)
            if row is not None:
                row.apply_probe(info)

        steps = inp.then
        if info.picture is None and "poster" in steps:
            cover = folder_cover(media)
            if cover is None:
                ctx.note("no cover art: no poster")  # an audio file without one, as most are
                steps = [s for s in steps if s != "poster"]
            else:
                ctx.note(f"no cover art in the file: the poster comes from {cover.name}")
        follow_ups = chained(media.id, steps)
        return Outcome(
            result={
                "container": info.container,
                "duration": info.duration,
                "streams": len(info.streams),
            },
            apply=[store_probe],
            follow_ups=follow_ups,
        )
